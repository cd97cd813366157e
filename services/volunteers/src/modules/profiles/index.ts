/** The profiles module's public surface: nothing other modules use yet (its wiring is profiles.module.ts). */
export {};
