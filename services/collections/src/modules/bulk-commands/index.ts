// What other modules may import from bulk-commands (its wiring is bulk-commands.module.ts): nothing.
export {};
