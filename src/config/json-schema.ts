/** The published JSON Schema of `engops.yaml`, generated from the zod schemas so the two never drift. */
import { z } from 'zod'
import { CONNECTORS } from '../connectors/registry.js'
import { orgFileSchema } from '../model/org.js'

type JsonSchema = Record<string, unknown> & { properties?: Record<string, unknown> }

/** Each syncing connector's `sources:` entry: its id, its kind, and its own options. */
function sourceSchemas(): JsonSchema[] {
  return CONNECTORS.flatMap((c) => {
    if (!c.read || !c.options) return []
    const options = z.toJSONSchema(c.options, { io: 'input', unrepresentable: 'any' }) as JsonSchema
    const { $schema: _, ...rest } = options
    return [
      {
        ...rest,
        title: `${c.title} source`,
        properties: {
          id: { type: 'string', description: 'the source id, used by engops sync --source' },
          kind: { const: c.kind },
          ...(rest.properties ?? {}),
        },
        required: ['id', 'kind', ...((rest.required as string[] | undefined) ?? [])],
      },
    ]
  })
}

export function orgJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(orgFileSchema, { io: 'input', unrepresentable: 'any' }) as JsonSchema
  return {
    ...schema,
    properties: { ...schema.properties, sources: { type: 'array', items: { oneOf: sourceSchemas() } } },
    title: 'engops.yaml',
    description: 'Org as code for engops: teams, people, services, SLOs, dependencies, OKRs, sources.',
  }
}
