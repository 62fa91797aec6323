export { jobWorkflow } from './job.js';
export { kamachiqProject } from './project/kamachiq-project.js';
