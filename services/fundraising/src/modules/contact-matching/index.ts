/** The contact-matching module's public surface: nothing other modules use (its wiring is contact-matching.module.ts). */
export {};
