/** The dashboard module's public surface: nothing other modules use yet (its wiring is dashboard.module.ts). */
export {};
