// negotiator ships no types; the one call the kit makes.
declare module 'negotiator' {
  export default class Negotiator {
    constructor(req: { headers: Record<string, string | undefined> });
    mediaType(available?: string[]): string | undefined;
  }
}
