/** The published JSON Schema of `engops.yaml`, generated from the zod schema so the two never drift. */
import { z } from 'zod'
import { orgFileSchema } from '../model/org.js'

export function orgJsonSchema(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(orgFileSchema, { io: 'input', unrepresentable: 'any' }),
    title: 'engops.yaml',
    description: 'Org as code for engops: teams, people, services, SLOs, dependencies, OKRs.',
  }
}
