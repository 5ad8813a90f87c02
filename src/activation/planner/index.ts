/** The campaign planner (issue 13 section 4): campaign files, the dual-decomposition solver, plans, holdouts and reports. */
export { parseCampaignFile, campaignFileSchema, CampaignFileError, type Campaign, type CampaignFile, type CampaignFileInput } from './campaign-file.js';
export { makePlan, solveCampaigns, type Built, type PlanReport, type CampaignSummary, type ChannelSummary, type PlanOptions } from './plan.js';
export { listPlans, getPlan } from './plans.js';
export { campaignReport, type CampaignReport } from './report.js';
export { solvePlan, type PlanSolution } from './solver.js';
export { resolveAudience } from './audience.js';
export { PLAN_TABLES } from './tables.js';
