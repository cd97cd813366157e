/** The gift-aid module's public surface: nothing other modules use yet (its wiring is gift-aid.module.ts). */
export {};
