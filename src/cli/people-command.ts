/** `engops people suggest`: draft `people:` entries for the authors that map to nobody. */
import type { Command } from 'commander'
import { stringify } from 'yaml'
import { suggestPeople } from '../engine/identity.js'
import { json, out, withEngine } from './shell.js'

export function registerPeopleCommand(program: Command): void {
  const people = program.command('people').description('people and the identities that are theirs')
  people
    .command('suggest')
    .description(
      'draft people: entries (name, emails, aliases) for git authors and logins that map to nobody',
    )
    .option('--json', 'print JSON')
    .action(async (options: { json?: boolean }, command: Command) => {
      await withEngine(command, async (engine) => {
        const suggestions = suggestPeople(engine.identities, await engine.store.authorCounts())
        if (options.json) return json(suggestions)
        if (suggestions.length === 0) return out('every author in the store maps to a person of the org file')
        out(`# ${suggestions.length} people to add under people: (most active first; set team and role):`)
        // One flow mapping per person, as the README writes people; YAML quotes what needs quoting.
        const scalar = (value: string) => stringify(value).trimEnd()
        const list = (values: string[]) => `[${values.map(scalar).join(', ')}]`
        for (const p of suggestions) {
          const fields = [
            `id: ${scalar(p.id)}`,
            `name: ${scalar(p.name)}`,
            ...(p.emails.length ? [`emails: ${list(p.emails)}`] : []),
            ...(p.aliases.length ? [`aliases: ${list(p.aliases)}`] : []),
          ]
          out(`  - { ${fields.join(', ')} }   # ${p.activity} commits and pull requests`)
        }
      })
    })
}
