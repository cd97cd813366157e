// What other modules may import from exports (its wiring is exports.module.ts).
export { signExportLink, verifyExportLink, LINK_TTL_SECONDS } from './export-link';
