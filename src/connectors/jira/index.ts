/** Jira Cloud and Data Center: issues with their changelogs as work items, closed sprints with their frozen commitment (`engops sync`). */
import type { Connector } from '../connector.js'
import { type JiraOptions, jiraOptions, syncJira } from './sync.js'

export const jira: Connector<JiraOptions> = {
  kind: 'jira',
  title: 'Jira',
  reads:
    "the issues of `projects` (JQL search, `updated >=` the cursor in the token user's time zone, with complete changelogs) → work items: the status history through `statusMap`, else a name with review / block, else the status category (To Do → todo, In Progress → in-progress, Done → done); the issue type → itemType (`itemTypes`; epics left out); story points from `pointsField` (default the Story Points / Story point estimate field); investment from the epic, a label or the type (`investment`); bugs' `foundInField` through `foundInMap`; the closed sprints of `boards` (Agile API) → sprints whose commitment is what was in the sprint at its start, with its estimates then: issues added later are scope added; project key or board id → team through `teams`, else a team's id or name",
  access:
    'Jira Cloud: an API token (`tokenEnv`, default `JIRA_API_TOKEN`) with the account email (`emailEnv`), basic auth, the account able to browse the projects and boards; Data Center: a personal access token (`tokenEnv`) as bearer',
  options: jiraOptions,
  read: syncJira,
}
