import type { Resources } from '../core/resources.js';
import { createInvokeTool } from './invoke-tool.js';
import { createProjectActivities } from './projects.js';
import { createRunJob } from './run-job.js';

/**
 * Every activity the workers register, bound to the shared resources. Workflows import only the
 * type of this object (`proxyActivities<Activities>`), never the code.
 */
export function createActivities(resources: Resources) {
  return {
    runJob: createRunJob(resources),
    invokeTool: createInvokeTool(resources),
    ...createProjectActivities(resources),
  };
}

export type Activities = ReturnType<typeof createActivities>;
