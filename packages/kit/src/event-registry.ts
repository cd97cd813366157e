import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';

/** One event contract: `schemas/events/<type>.json` (JSON Schema of `data`, plus catalog metadata). */
export interface EventContract {
  type: string;
  topic: string;
  producer: string;
  consumers: string[];
  schema: Record<string, unknown>;
}

export class EventValidationError extends Error {
  override name = 'EventValidationError';
  constructor(readonly eventType: string, readonly errors: string) {
    super(`Event ${eventType} does not match its contract: ${errors}`);
  }
}

/** Validates event payloads against the contracts under `schemas/events` on publish and on consume. */
export class EventRegistry {
  private readonly validators = new Map<string, ValidateFunction>();
  private readonly contracts = new Map<string, EventContract>();

  constructor(contracts: EventContract[]) {
    const ajv = new Ajv({ allErrors: true, strict: true });
    addFormats(ajv);
    for (const c of contracts) {
      this.contracts.set(c.type, c);
      this.validators.set(c.type, ajv.compile(c.schema));
    }
  }

  /** Loads every contract file in a directory (the catalog is the set of files). */
  static fromDirectory(dir: string): EventRegistry {
    const files = readdirSync(dir).filter((f) => f.startsWith('commonhold.') && f.endsWith('.json'));
    return new EventRegistry(files.map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as EventContract));
  }

  contract(type: string): EventContract {
    const c = this.contracts.get(type);
    if (!c) throw new EventValidationError(type, 'unknown event type');
    return c;
  }

  validate(type: string, data: unknown): void {
    const v = this.validators.get(type);
    if (!v) throw new EventValidationError(type, 'unknown event type');
    if (!v(data)) throw new EventValidationError(type, (v.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message}`).join('; '));
  }

  types(): string[] {
    return [...this.contracts.keys()];
  }
}

/** Where the repository keeps its contracts (works from src/ and from dist/). */
export function defaultSchemasDir(): string {
  return process.env.COMMONHOLD_SCHEMAS_DIR ?? join(__dirname, '..', '..', '..', 'schemas');
}
