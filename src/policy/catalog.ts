/**
 * The models shipped with the app: models/catalog.json lists them (folder id, label, measured success) and
 * names the default one, which the app loads on start. Paths are relative to the page, so a build deployed
 * under a sub-path finds them.
 */
import { z } from 'zod';

const id = z.string().regex(/^[a-z0-9][a-z0-9._-]{0,79}$/, 'must be a model folder name');

export const catalogSchema = z
  .object({
    default: id,
    models: z
      .array(
        z.object({
          id,
          label: z.string().min(1).max(100),
          /** One line for the picker, e.g. the held-out success rate and how it was measured. */
          summary: z.string().max(300).optional(),
        }),
      )
      .min(1)
      .max(50),
  })
  .refine((c) => c.models.some((m) => m.id === c.default), 'the default must be one of the models');

export type ModelCatalog = z.infer<typeof catalogSchema>;

/** The folder URL of a catalogued model, relative to the page (`models/<id>/`). */
export function builtinModelUrl(modelId: string, base = 'models/'): string {
  return `${base}${modelId}/`;
}

/** The catalogued model a folder URL points at (relative or absolute), or undefined. */
export function builtinIdOf(url: string, catalog: ModelCatalog | null, pageHref: string): string | undefined {
  if (!catalog || !url.trim()) return undefined;
  let abs: string;
  try {
    abs = new URL(url.trim().endsWith('/') ? url.trim() : `${url.trim()}/`, pageHref).href;
  } catch {
    return undefined;
  }
  return catalog.models.find((m) => new URL(builtinModelUrl(m.id), pageHref).href === abs)?.id;
}

export function parseCatalog(json: unknown): ModelCatalog {
  const r = catalogSchema.safeParse(json);
  if (!r.success) throw new Error(`models/catalog.json is not valid: ${r.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`);
  return r.data;
}

export async function fetchCatalog(url = 'models/catalog.json', fetchFn: typeof fetch = (...a) => fetch(...a)): Promise<ModelCatalog> {
  const res = await fetchFn(url);
  if (!res.ok) throw new Error(`the built-in model list is missing (HTTP ${res.status})`);
  if ((res.headers.get('content-type') ?? '').includes('text/html')) throw new Error('the built-in model list is missing (the server sent a web page instead)');
  return parseCatalog(await res.json());
}
