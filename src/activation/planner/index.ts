/** The campaign planner (issue 13 section 4): campaign files, the dual-decomposition solver, plans, holdouts and reports. */
export { parseCampaignFile, type CampaignFileInput } from './campaign-file.js';
export { makePlan, solveCampaigns, type PlanReport } from './plan.js';
export { listPlans, getPlan } from './plans.js';
export { campaignReport, type CampaignReport } from './report.js';
