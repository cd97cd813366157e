/** The reminders module's public surface: the running worker (tests sweep and deliver with it). */
export { reminderWorkerOf, type ReminderWorker } from './reminder-worker';
