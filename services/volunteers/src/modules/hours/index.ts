/** The hours module's public surface: nothing other modules use (its wiring is hours.module.ts). */
export {};
