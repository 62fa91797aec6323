import { awsAdapter } from './aws/index.js';
import { azureAdapter } from './azure/index.js';
import { confluenceAdapter } from './confluence/index.js';
import type { AnyAdapter } from './core/define-adapter.js';
import { discordAdapter } from './discord/index.js';
import { figmaAdapter } from './figma/index.js';
import { gcpAdapter } from './gcp/index.js';
import { gitlabAdapter } from './gitlab/index.js';
import { githubAdapter } from './github/index.js';
import { jiraAdapter } from './jira/index.js';
import { kubernetesAdapter } from './kubernetes/index.js';
import { linearAdapter } from './linear/index.js';
import { notionAdapter } from './notion/index.js';
import { planeAdapter } from './plane/index.js';
import { playwrightAdapter } from './playwright/index.js';
import { slackAdapter } from './slack/index.js';
import { terraformAdapter } from './terraform/index.js';

/** Every tool SomaGent can call, in the order GET /v1/tools lists them. */
export const adapters: AnyAdapter[] = [
  awsAdapter,
  playwrightAdapter,
  githubAdapter,
  jiraAdapter,
  planeAdapter,
  discordAdapter,
  confluenceAdapter,
  gitlabAdapter,
  slackAdapter,
  notionAdapter,
  linearAdapter,
  figmaAdapter,
  azureAdapter,
  gcpAdapter,
  terraformAdapter,
  kubernetesAdapter,
];
