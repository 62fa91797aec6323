import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { Plan } from '../../capsules/plan.js';

export type ProjectStatus =
  'planning' | 'awaiting_approval' | 'running' | 'paused' | 'completed' | 'failed' | 'cancelled' | 'expired';

export type TaskStatus = 'pending' | 'running' | 'completed' | 'failed' | 'skipped' | 'compensated';

export interface TaskState {
  status: TaskStatus;
  output?: unknown;
  error?: string;
  startedAt?: string;
  finishedAt?: string;
  /** Why a task was skipped: its condition was false, or a task it needs failed. */
  reason?: string;
  /** A forEach task's elements: how many there are, and how many have completed or failed so far. */
  elements?: { total: number; completed: number; failed: number };
}

export interface ProjectState {
  status: ProjectStatus;
  plan?: Plan;
  tasks: Record<string, TaskState>;
  approval?: { by: string; at: string; planVersion: number };
  rejection?: { by: string; reason: string };
  error?: string;
  outputs?: Record<string, unknown>;
  /** With a teardown policy: when the project's resources will be removed, and when they were. */
  teardownAt?: string;
  tornDownAt?: string;
}

export interface ProjectInput {
  projectId: string;
  tenantId: string;
  brief: string;
  capsule?: string;
  inputs?: Record<string, unknown>;
  autoApprove?: boolean;
  approvalTimeoutSeconds?: number;
  /** Most tool calls in flight at once: ready tasks and forEach elements together share it. */
  parallelism?: number;
  /**
   * Continue as new once this many tasks have run in one run, besides when Temporal suggests it
   * (a large history). Not in the API: it keeps histories short where a deployment wants it,
   * and lets tests reach the continuation without thousands of events.
   */
  continueAsNewAfterTasks?: number;
  /** Carried over by continue-as-new: the work done so far. */
  carried?: ProjectState;
  /** Carried over by continue-as-new too: what the state does not show. */
  continued?: {
    paused: boolean;
    /** Completed tasks in the order they completed: the saga undoes them in reverse. */
    completionOrder: string[];
  };
}

export interface ApprovalRequest {
  by: string;
  role: 'admin' | 'operator' | 'member';
  planVersion: number;
}

/** Signals, queries and updates of the project workflow; the API imports these same definitions. */
export const projectQuery = defineQuery<ProjectState>('project');
export const approveUpdate = defineUpdate<ProjectState, [ApprovalRequest]>('approve');
export const rejectUpdate = defineUpdate<
  ProjectState,
  [{ by: string; role: ApprovalRequest['role']; reason: string }]
>('reject');
export const pauseSignal = defineSignal('pause');
export const resumeSignal = defineSignal('resume');
export const cancelSignal = defineSignal<[{ by: string; reason?: string }]>('cancel');
