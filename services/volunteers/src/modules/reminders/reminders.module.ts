import { defineModule } from '@commonhold/kit';
import { ShiftReminders1796700000100 } from './reminders.migration';
import { startReminderWorker } from './reminder-worker';

/** Shift reminders by email through packages/notifications, scheduled with pg-boss (as collections' dunning runs). */
export const remindersModule = defineModule({
  name: 'reminders',
  migrations: [ShiftReminders1796700000100],
  // The worker lives as long as the service: started with its routes, stopped with them.
  routes: (_app, rt) => {
    const worker = startReminderWorker(rt);
    worker.catch((err) => rt.log.error({ err }, 'reminder worker failed to start'));
    return async () => {
      await (await worker.catch(() => null))?.stop();
    };
  },
});
