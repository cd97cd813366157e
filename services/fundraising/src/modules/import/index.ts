/** The import module's public surface: nothing other modules use yet (its wiring is import.module.ts). */
export {};
