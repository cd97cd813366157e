export { createAppeal } from './create-appeal';
export { createCampaign } from './create-campaign';
export { createFund } from './create-fund';
export { loadReference, type ReferenceTable } from './reference.store';
