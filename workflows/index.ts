export { jobWorkflow } from './job.js';
