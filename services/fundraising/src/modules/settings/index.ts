export { updateFundraisingSettings } from './update-settings';
