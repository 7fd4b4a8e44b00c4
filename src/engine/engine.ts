/**
 * The programmatic API: the one entry point the CLI (and later the server and reports) use.
 * It opens the org file and the store, runs ingests in bounded transactions, and answers metric
 * questions by loading the rows they need and calling the pure functions in metrics/.
 */
import { resolve } from 'node:path'
import { CONFIG_FILE_NAME, type LoadedConfig, loadConfigFile } from '../config/load-config.js'
import type { Headers, Json, OrgView, SyncBatch } from '../connectors/connector.js'
import { DEFAULT_EVENT_SOURCE } from '../connectors/files/index.js'
import { CONNECTORS, connectorOf } from '../connectors/registry.js'
import {
  combineSummaries,
  type EventBatch,
  type EventIngestSummary,
  sliceEventBatch,
  toRecords,
  writeEventBatch,
} from '../ingest/events.js'
import { type BenchmarkProfile, benchmarkProfile, type TierBand, tierBandsOf } from '../metrics/benchmarks.js'
import type { Period } from '../metrics/calendar.js'
import { computeDora, type DoraDetails, type DoraSummary } from '../metrics/dora.js'
import { KPI_CATALOG, type Target } from '../metrics/kpi-catalog.js'
import { evaluateKpi, type KpiResult } from '../metrics/kpi-status.js'
import { computeScoreboard, type Scoreboard } from '../metrics/scoreboard.js'
import { EngopsError } from '../model/errors.js'
import { parseEventText, validateEvents } from '../model/event-text.js'
import { type OrgFile, serviceRepositories } from '../model/org.js'
import { repositoriesOf, resolveScope, type Scope, servicesOf } from '../model/scope.js'
import { DAY } from '../model/time.js'
import type { Deployment, Incident } from '../model/types.js'
import {
  buildScorecard,
  isRoleId,
  ROLE_IDS,
  type RoleId,
  roleKpiIds,
  type Scorecard,
} from '../operating/scorecards.js'
import type { RitualLedger } from '../store/ritual-ledger.js'
import { Store, type StoreWriter } from '../store/store.js'
import { marksFor } from './derive-marking.js'
import { deriveEverything, deriveStale, staleServices } from './derived.js'
import { doraInputs, loadPeriodRows, type PeriodRows } from './dora-data.js'
import { IdentityResolver } from './identity.js'
import { filesSource, type IngestSummary, ingestSource } from './ingest.js'
import { parseInstant, previousOf, resolvePeriod } from './periods.js'
import {
  loadPeriodRuns,
  loadPeriodScoreboardRows,
  loadScoreboardData,
  type PeriodRuns,
  type PeriodScoreboardRows,
  type ScoreboardData,
  scopeInput,
} from './scoreboard-data.js'
import { dbPathFor, spoolDirFor } from './store-location.js'
import { createToken, type TokenRole, verifyToken } from './tokens.js'

export interface EngineOptions {
  /** Path of engops.yaml; default: ./engops.yaml. */
  config?: string
  /** Path of the database; default: ENGOPS_DB, else .engops/engops.db beside the config. */
  db?: string
  /**
   * How long one transaction of deferred derivation (after a source read) runs before it lets
   * other writers in, in ms (default 250; 0: a service or round per transaction).
   */
  derivationSliceMs?: number
}

export type { Scope } from '../model/scope.js'
export type { AlertState, DeadLetter, ScheduleRun } from '../store/ritual-ledger.js'
export { previousOf } from './periods.js'
export { dbPathFor, defaultDbPath, hasDataFor } from './store-location.js'

export interface DoraQuery {
  team?: string
  service?: string
  from?: string
  to?: string
  profile?: string
  /** "Now" for the default period; tests and the demo pin it. */
  now?: number
  /** Also list the deployments, changes, pull requests and incidents behind the numbers. */
  explain?: boolean
}

export interface DoraAnswer {
  scope: Scope
  summary: DoraSummary
  details: DoraDetails
}

/** The stable JSON contract of `metrics dora --json`: durations in seconds, rates as fractions. */
export type DoraJson = { scope: Scope } & DoraSummary & { explain?: DoraDetails }

export function doraJson(answer: DoraAnswer, explain = false): DoraJson {
  return { scope: answer.scope, ...answer.summary, ...(explain ? { explain: answer.details } : {}) }
}

/** Scoreboards kept (a dashboard's trends ask for a few dozen). */
const MAX_BOARDS = 200

/** Periods whose DORA rows are kept (a dashboard's trends and a report's comparisons ask for a few dozen). */
const MAX_PERIODS = 40

/** How long one transaction of deferred derivation runs by default before it lets other writers in (ms). */
const DERIVATION_SLICE_MS = 250

/**
 * Events written per transaction: an event file, an API body or a connector's page of any size
 * holds the store for a fraction of a second at a time (5,000 pull requests: about 0.2 s).
 */
const WRITE_SLICE_EVENTS = 5_000

/** How often a question looks whether another process wrote (ms). */
const VERSION_CHECK_MS = 1000

/** ingest_state key marking a store as `engops demo`'s own. */
const DEMO_MARK = 'demo'

export class Engine {
  /** Bumped whenever data is written, so caches of answers (the server's) know they are stale. */
  private version = 0

  get dataVersion(): number {
    return this.version
  }

  /** Forgets loaded rows after a write. */
  private invalidate(): void {
    this.version++
    this.incidents.clear()
    this.deployments.clear()
    this.derivedReady = undefined
    this.periodRows.clear()
    this.periodRuns.clear()
    this.periodScoreboardRows.clear()
    this.firstShipped.clear()
    this.scoreboardData.clear()
    this.boards.clear()
  }

  /** Scoreboards computed since the data last changed, by scope, period and profile. */
  private readonly boards = new Map<string, Promise<Scoreboard>>()

  /** One transaction of new data; loaded rows are forgotten before and after it. */
  private async writeData<T>(
    work: (writer: StoreWriter) => Promise<T>,
    options: { busyBudgetMs?: number } = {},
  ): Promise<T> {
    this.invalidate()
    try {
      return await this.store.write(work, options)
    } finally {
      this.invalidate()
      // Everything is read afresh after this: the next look at the version starts from there.
      this.loadedVersion = undefined
      this.versionCheck = undefined
    }
  }

  // Promises, not values: concurrent requests (the server) share one load instead of racing.
  /** Every incident: a postmortem's action items stay open across periods. */
  private readonly incidents = new Lazy(() => this.store.listIncidents())
  /** Every deployment: the operating views (gates, experiments) read them; questions by period do not. */
  private readonly deployments = new Lazy(() => this.store.listDeployments())
  private derivedReady: Promise<void> | undefined
  /** Each period's derived DORA rows, org-wide: a report's hundred team questions read them once. */
  private readonly periodRows = new Map<string, Promise<PeriodRows>>()
  private readonly periodRuns = new Map<string, Promise<PeriodRuns>>()
  /** Each period's rows its scoreboards read (pull requests, deployments, …), org-wide. */
  private readonly periodScoreboardRows = new Map<string, Promise<PeriodScoreboardRows>>()
  private readonly firstShipped = new Lazy(() => this.store.firstShipped())
  /** Inside `deferringDerivation`: writes mark what changed, and derivation waits for the end. */
  private deferred = 0
  private readonly scoreboardData = new Lazy(async () =>
    loadScoreboardData(this.store, this.org, this.identities, await this.incidents.get()),
  )
  readonly identities: IdentityResolver

  private constructor(
    readonly config: LoadedConfig,
    readonly store: Store,
    /** Where the webhook spool of a server on this store keeps deliveries while the store is busy. */
    readonly spoolDir: string,
    private readonly derivationSliceMs: number,
  ) {
    this.identities = new IdentityResolver(config.org.people)
  }

  static async open(options: EngineOptions = {}): Promise<Engine> {
    const configFile = resolve(options.config ?? CONFIG_FILE_NAME)
    const config = loadConfigFile(configFile)
    const dbFile = dbPathFor(configFile, options.db)
    const store = await Store.open(dbFile)
    return new Engine(
      config,
      store,
      spoolDirFor(configFile, dbFile),
      options.derivationSliceMs ?? DERIVATION_SLICE_MS,
    )
  }

  get org(): OrgFile {
    return this.config.org
  }

  /** The rituals' bookkeeping (schedule runs, alert states, dead letters): not data. */
  get ledger(): RitualLedger {
    return this.store.ledger
  }

  /**
   * Empties the store for `engops demo`, which keeps a store of its own. A store that holds data
   * and was not made by the demo is refused: the demo never wipes an organization's history
   * (ENGOPS_DB pointing at a real store, say).
   */
  async startDemoStore(): Promise<void> {
    const counts = await this.store.counts()
    const empty = Object.values(counts).every((n) => n === 0)
    const isDemo = (await this.store.write((w) => w.readState<boolean>(DEMO_MARK))) === true
    if (!empty && !isDemo)
      throw new EngopsError(
        'USAGE',
        'the store holds data that is not a demo; give the demo a store of its own with --db (or unset ENGOPS_DB)',
      )
    this.invalidate()
    await this.store.clear()
    await this.store.write((w) => w.setState(DEMO_MARK, true))
  }

  async close(): Promise<void> {
    // Release the loaded rows too: an engine kept around after close holds no data.
    this.invalidate()
    await this.store.close()
  }

  /** Event files through the files connector: all read and validated, then stored in slices. */
  ingestEvents(files: readonly string[], source = DEFAULT_EVENT_SOURCE): Promise<IngestSummary> {
    return ingestSource(this, filesSource(files, source), { since: 0, baseDir: process.cwd() })
  }

  /** Events given as text (NDJSON or JSON) rather than files, e.g. a check-in from the CLI. */
  ingestText(text: string, name: string, source = DEFAULT_EVENT_SOURCE): Promise<EventIngestSummary> {
    return this.writeEvents(toRecords(parseEventText(text, name), source))
  }

  /**
   * One batch a connector read: validated like any event file (its records by file and line, its
   * events by source, stream and position), then written with the stream's new cursor, if it moved.
   * Events that name no source are stored under the connector's kind.
   */
  writeBatch(source: { id: string; kind: string }, batch: SyncBatch): Promise<EventIngestSummary> {
    const name = `${source.id} (${batch.stream})`
    const raw = batch.records ?? (batch.events ?? []).map((value, i) => ({ file: name, line: i + 1, value }))
    const records = toRecords(validateEvents(raw), source.kind)
    return this.writeEvents(records, async (writer) => {
      if (batch.cursor !== null) await writer.setSyncCursor(source.id, batch.stream, batch.cursor, Date.now())
    })
  }

  /**
   * A validated batch, written in slices of at most WRITE_SLICE_EVENTS events, each its own
   * transaction: no writer holds the store for long, and whatever else writes (a webhook, another
   * process) gets its turn between slices. The batch was validated whole first, so a bad event
   * stores nothing; `last` (a stream's cursor, a delivery id) commits with the last slice, so an
   * interrupted write is read again and stored by identity, unchanged. The last slice derives what
   * the batch changed for a slice of time (a small write: all of it, in its own transaction), the
   * rest is derived in slices after it.
   */
  private async writeEvents(
    batch: EventBatch,
    last?: (writer: StoreWriter) => Promise<void>,
    options: { busyBudgetMs?: number } = {},
  ): Promise<EventIngestSummary> {
    const slices = sliceEventBatch(batch, WRITE_SLICE_EVENTS)
    const summaries: EventIngestSummary[] = []
    let more = false
    for (const [i, slice] of slices.entries())
      summaries.push(
        await this.writeData(async (writer) => {
          const summary = await this.storeEvents(writer, slice)
          if (i < slices.length - 1) return summary
          await last?.(writer)
          if (this.deferred > 0) return summary
          const done = await deriveStale(writer, this.org, Date.now() + this.derivationSliceMs)
          this.count(done)
          more = done.more
          return summary
        }, options),
      )
    if (more) await this.deriveAfterWrite()
    return combineSummaries(summaries)
  }

  /**
   * Events written in the writer's transaction, the services they change marked for derivation.
   * What the batch changes is judged against the store before it is written, holding the
   * derivation lock until the commit: no other process derives in between (on PostgreSQL), so the
   * judgement still holds when these marks are derived.
   */
  private async storeEvents(writer: StoreWriter, batch: EventBatch): Promise<EventIngestSummary> {
    await writer.lockDerivation()
    const marks = await marksFor(writer, this.org, batch)
    const summary = await writeEventBatch(writer, batch)
    await writer.markDirty(marks.extend, false)
    await writer.markDirty(marks.whole, true)
    return summary
  }

  /**
   * What a write's last slice had no time to derive, in slices of their own once it committed. A
   * busy store leaves them marked: the write stands, and the next question derives them.
   */
  private async deriveAfterWrite(): Promise<void> {
    try {
      await this.deriveNow()
    } catch (error) {
      if (!(error instanceof EngopsError && error.code === 'BUSY')) throw error
    }
  }

  /**
   * Runs a read of many batches (a sync, a git history) deriving once at the end instead of after
   * every batch; until then the marked services are derived by any question that reads them.
   */
  async deferringDerivation<T>(work: () => Promise<T>): Promise<T> {
    this.deferred++
    try {
      return await work()
    } finally {
      this.deferred--
      if (this.deferred === 0) await this.deriveNow()
    }
  }

  /** How many service derivations this engine ran: extended from where they stood, or whole. */
  readonly derivations = { extended: 0, whole: 0 }

  private count(done: { extended: number; whole: number }): void {
    this.derivations.extended += done.extended
    this.derivations.whole += done.whole
  }

  /** Derives every out-of-date service (after deferred writes, before a question). */
  private async deriveNow(): Promise<void> {
    for (;;) {
      const { extend, whole } = await staleServices(this.store, this.org)
      if (extend.length + whole.length === 0) return
      // Slices of a bounded time, each its own transaction: writers waiting get their turn between.
      const done = await this.store.derive((writer) =>
        deriveStale(writer, this.org, Date.now() + this.derivationSliceMs),
      )
      this.count(done)
      if (!done.more) return
    }
  }

  /** Brings the derived facts up to date, for a reader of the store's derived tables (`engops doctor`). */
  async derivedFacts(): Promise<void> {
    await this.ensureDerived()
  }

  /** Derived facts up to date before a question reads them (once per data version). */
  private ensureDerived(): Promise<void> {
    this.derivedReady ??= this.deriveNow().catch((error) => {
      this.derivedReady = undefined
      throw error
    })
    return this.derivedReady
  }

  /**
   * `engops rebuild`: derives every service's facts again from the events (after an upgrade that
   * changed a definition, or to check); the rows are the same as those kept at ingest.
   */
  async rebuild(): Promise<{ services: number; shippedDeployments: number }> {
    const services = await this.store.derive((writer) => deriveEverything(writer, this.org))
    // Rows read before are from the facts just replaced (the same, unless a definition changed).
    this.invalidate()
    const counts = await this.store.derivedCounts()
    return { services: services.length, shippedDeployments: counts.shipped_deployments }
  }

  /** What connectors need to know of the organization and the store while mapping. */
  orgView(): OrgView {
    const byRepo = new Map<string, string>()
    for (const service of this.org.services) {
      for (const repo of serviceRepositories(service))
        if (!byRepo.has(repo.name)) byRepo.set(repo.name, service.id)
    }
    const byName = new Map<string, string>()
    const key = (text: string) => text.toLowerCase().replace(/[^a-z0-9]+/g, '')
    for (const service of this.org.services) {
      for (const name of [service.id, service.name, service.onCall])
        if (name) byName.set(key(name), service.id)
    }
    const teams = new Map<string, string>()
    for (const team of this.org.teams) for (const name of [team.id, team.name]) teams.set(key(name), team.id)
    return {
      serviceOfRepo: (repo) => byRepo.get(repo),
      repositories: [...byRepo.keys()].sort(),
      serviceOfName: (name) => byName.get(key(name)),
      teamOfName: (name) => teams.get(key(name)),
      personOf: (identity) => this.identities.personOf(identity),
      findIncident: (source, id) => this.store.findIncident(source, id),
      findRecord: (type, source, id) => this.store.findRecord(type, source, id),
    }
  }

  /** Creates an API token; the token is returned once and only its hash is stored. */
  createToken(name: string, role: string): Promise<{ id: string; token: string }> {
    return createToken(this.store, name, role)
  }

  listTokens() {
    return this.store.listTokens()
  }

  async revokeToken(id: string): Promise<void> {
    const done = await this.store.write((w) => w.revokeToken(id, Date.now()))
    if (!done) throw new EngopsError('NOT_FOUND', `no live token ${id} (see engops token list)`)
  }

  /** The role a bearer token grants, or null. `session` is a process-only token (engops serve). */
  verifyToken(
    token: string,
    session?: { id: string; hash: string; role: TokenRole },
  ): Promise<TokenRole | null> {
    return verifyToken(this.store, token, session)
  }

  /** The connectors that take webhooks (`/webhooks/<kind>`) and the variable holding each one's secret. */
  webhookReceivers(): { kind: string; secretEnv: string }[] {
    return CONNECTORS.flatMap((c) => (c.webhook ? [{ kind: c.kind, secretEnv: c.webhook.secretEnv }] : []))
  }

  /**
   * A webhook delivery let in: a valid signature or token, a JSON object, its events mapped and
   * validated (a bad one is an EVENTS_INVALID error). Nothing is stored yet: `storeDelivery` does,
   * or the server's spool keeps it while the store is busy.
   */
  async acceptWebhook(
    kind: string,
    secrets: readonly string[],
    body: string,
    headers: Headers,
  ): Promise<WebhookVerdict> {
    const webhook = connectorOf(kind)?.webhook
    if (!webhook) throw new EngopsError('NOT_FOUND', `no connector receives "${kind}" webhooks`)
    if (!webhook.verify(secrets, body, headers)) return { status: 'bad-signature' }
    const payload = parseObject(body)
    if (!payload) return { status: 'bad-body' }
    const mapped = await webhook.map(payload, headers, this.orgView())
    const delivery = webhook.deliveryId(payload, body, headers)
    if (mapped.events.length === 0)
      return { status: 'ignored', delivery, why: mapped.ignored ?? 'nothing to store' }
    const accepted = { kind, delivery, events: mapped.events }
    // Validated now, so a bad delivery is refused (422) here rather than spooled.
    deliveryBatch(accepted)
    return { status: 'accepted', accepted }
  }

  /**
   * An accepted delivery's events, written with its id (so a redelivery, or a spooled copy stored
   * twice, is recognised and changes nothing) under the connector's kind as their source.
   */
  async storeDelivery(
    accepted: AcceptedDelivery,
    options: { busyBudgetMs?: number } = {},
  ): Promise<{ duplicate: boolean; stored: number }> {
    const { kind, delivery, events } = accepted
    if (await this.store.hasDelivery(kind, delivery)) return { duplicate: true, stored: 0 }
    await this.writeEvents(
      deliveryBatch(accepted),
      (writer) => writer.recordDelivery(kind, delivery, Date.now(), events.length),
      options,
    )
    return { duplicate: false, stored: events.length }
  }

  resolveScope(query: { team?: string; service?: string }): Scope {
    return resolveScope(this.org, query)
  }

  /** The repositories of a scope's services; null for the whole organization. */
  scopeRepositories(scope: Scope): ReadonlySet<string> | null {
    return scope.kind === 'org' ? null : repositoriesOf(this.org, scope)
  }

  /** The ids of a scope's services; null for the whole organization (every service, and none named). */
  scopeServices(scope: Scope): ReadonlySet<string> | null {
    return scope.kind === 'org' ? null : new Set(servicesOf(this.org, scope).map((s) => s.id))
  }

  /**
   * The benchmark tiers of the DORA KPIs as value ranges in the KPI's base unit (per day, seconds,
   * fraction), for tier bands behind trend charts. `null` is an open end.
   */
  tierBands(profileName?: string): Record<string, TierBand[]> {
    return tierBandsOf(this.resolveProfile(profileName))
  }

  /** A date (local midnight in the org's zone) or ISO time given by a user, as epoch ms. */
  parseInstant(text: string, what = 'at'): number {
    return parseInstant(text, this.org.org.timezone, what)
  }

  resolvePeriod(query: { from?: string; to?: string; now?: number }, defaultDays = 30): Period {
    return resolvePeriod(query, this.org.org.timezone, defaultDays)
  }

  resolveProfile(name?: string): BenchmarkProfile {
    const chosen = name ?? this.org.org.benchmarkProfile
    const profile = benchmarkProfile(chosen)
    if (!profile)
      throw new EngopsError('USAGE', `unknown benchmark profile "${chosen}" (default, dora-2021, dora-2023)`)
    return profile
  }

  /** The store's data version when rows were last loaded: another process's write moves it. */
  private loadedVersion: number | undefined

  /** The last look at the store's data version: one look serves every question for a moment. */
  private versionCheck: { at: number; done: Promise<void> } | undefined

  /**
   * Forgets loaded rows when another process (a second server, a sync) wrote since they were
   * read. The version is read at most every VERSION_CHECK_MS: a burst of questions (a dashboard's
   * first render asks a dozen) shares one look, and another process's write shows within that.
   */
  noticeOtherWriters(): Promise<void> {
    const now = Date.now()
    if (this.versionCheck && now - this.versionCheck.at < VERSION_CHECK_MS) return this.versionCheck.done
    const done = this.store.dataVersion().then((version) => {
      if (this.loadedVersion !== undefined && version !== this.loadedVersion) this.invalidate()
      this.loadedVersion = version
    })
    this.versionCheck = { at: now, done }
    done.catch(() => {
      this.versionCheck = undefined
    })
    return done
  }

  /** Every incident, loaded once per data version. */
  async allIncidents(): Promise<Incident[]> {
    await this.noticeOtherWriters()
    return this.incidents.get()
  }

  /** Every deployment, loaded once per data version. */
  async allDeployments(): Promise<Deployment[]> {
    await this.noticeOtherWriters()
    return this.deployments.get()
  }

  async dora(query: DoraQuery = {}): Promise<DoraAnswer> {
    const scope = this.resolveScope(query)
    const period = this.resolvePeriod(query)
    const profile = this.resolveProfile(query.profile)
    return { scope, ...(await this.doraFor(scope, period, profile, query.explain ?? false)) }
  }

  /** DORA of one scope and period, from the derived facts of that period only. */
  private async doraFor(scope: Scope, period: Period, profile: BenchmarkProfile, explain: boolean) {
    await this.noticeOtherWriters()
    await this.ensureDerived()
    const key = `${period.from}|${period.to}`
    const rows = memo(this.periodRows, key, MAX_PERIODS, async () => {
      // A scoreboard of the period has read its active pull requests already: reuse them.
      const scoreboardRows = this.periodScoreboardRows.get(key)
      const known = scoreboardRows ? (await scoreboardRows).pullRequests.all : []
      return loadPeriodRows(this.store, period, known)
    })
    const services = this.scopeServices(scope)
    const inputs = doraInputs(await rows, period, services, await this.firstShipped.get())
    return computeDora({
      period,
      timeZone: this.org.org.timezone,
      profile,
      scope: services,
      ...inputs,
      sameAuthor: this.identities.same,
      explain,
    })
  }

  private isProduction = (environment: string): boolean =>
    this.org.org.productionEnvironments.some((env) => env.toLowerCase() === environment.toLowerCase())

  /** Every row the scoreboard reads that is not read by period, loaded once per data version. */
  async loadScoreboard(): Promise<ScoreboardData> {
    await this.noticeOtherWriters()
    return this.scoreboardData.get()
  }

  /** The CI runs a period judges (every attempt of each run with one finishing in it), by repository too. */
  runsAround(period: Period): Promise<PeriodRuns> {
    return memo(this.periodRuns, `${period.from}|${period.to}`, MAX_PERIODS, () =>
      loadPeriodRuns(this.store, period),
    )
  }

  /** The rows a period's scoreboards read by period, org-wide: each scope picks its part. */
  scoreboardRowsOf(period: Period): Promise<PeriodScoreboardRows> {
    return memo(this.periodScoreboardRows, `${period.from}|${period.to}`, MAX_PERIODS, async () =>
      loadPeriodScoreboardRows(this.store, this.org, period, await this.runsAround(period)),
    )
  }

  /** The scoreboard of one scope and period, and of the period of equal length before it. */
  async scoreboard(query: ScoreQuery = {}): Promise<ScoreboardAnswer> {
    const scope = this.resolveScope(query)
    const period = this.resolvePeriod(query)
    const previousPeriod = previousOf(period, this.org.org.timezone)
    const profile = this.resolveProfile(query.profile)
    const board = (p: Period) => {
      // A month's board is the next month's "previous": trends over months compute each once.
      const key = `${JSON.stringify(scope)}|${p.from}|${p.to}|${profile.name}`
      return memo(this.boards, key, MAX_BOARDS, async () => {
        const data = await this.loadScoreboard()
        // Before DORA: the pull requests its deployments shipped are mostly among these.
        const rows = await this.scoreboardRowsOf(p)
        const dora = (await this.doraFor(scope, p, profile, false)).summary
        return computeScoreboard(
          scopeInput(data, this.org, scope, p, dora, this.identities, this.isProduction, rows),
        )
      })
    }
    return {
      scope,
      period,
      previousPeriod,
      current: await board(period),
      previous: await board(previousPeriod),
    }
  }

  /** Every KPI of the catalog (or of a role's scorecard) with its status and trend. */
  async kpis(query: ScoreQuery & { role?: string } = {}): Promise<KpiAnswer> {
    const roleKpis = query.role ? roleKpiIds(this.resolveRole(query.role)) : null
    const answer = await this.scoreboard(query)
    const kpis = KPI_CATALOG.filter((kpi) => roleKpis === null || roleKpis.has(kpi.id)).map((kpi) =>
      evaluateKpi(kpi, kpi.read(answer.current), kpi.read(answer.previous), this.targetOverride(kpi.id)),
    )
    return {
      scope: answer.scope,
      period: answer.period,
      kpis,
      board: answer.current,
      previousBoard: answer.previous,
    }
  }

  resolveRole(role: string): RoleId {
    if (!isRoleId(role))
      throw new EngopsError('USAGE', `unknown role "${role}" (roles: ${ROLE_IDS.join(', ')})`)
    return role
  }

  private targetOverride(id: string): Target | undefined {
    const override = this.org.targets[id]
    if (!override) return undefined
    return 'op' in override
      ? { kind: 'threshold', op: override.op, value: override.value, yellow: override.yellow }
      : { kind: 'range', min: override.min, max: override.max, tolerance: override.tolerance }
  }

  /** A role's scorecard: its KPIs with the role's thresholds, and its checkable definition of done. */
  async scorecard(role: string, query: ScoreQuery = {}): Promise<Scorecard> {
    const id = this.resolveRole(role)
    const current = await this.kpis(query)
    // "Two months of green": the two 30-day periods ending with this one (the current answer
    // serves for the last of them when it is exactly that period, as it is by default).
    const { from, to } = this.resolvePeriod(query)
    const month = async (end: number) =>
      end === to && from === to - 30 * DAY
        ? current.kpis
        : (
            await this.kpis({
              ...query,
              from: new Date(end - 30 * DAY).toISOString(),
              to: new Date(end).toISOString(),
            })
          ).kpis
    const months = [await month(to - 30 * DAY), await month(to)]
    const scope = current.scope
    const services = servicesOf(this.org, scope)
    return buildScorecard(id, {
      org: this.org,
      scope,
      services,
      kpis: current.kpis,
      months,
      slos: current.board.slos.entries,
      board: current.board,
      override: (kpiId) => this.targetOverride(kpiId),
    })
  }
}

/** A webhook delivery with a valid signature, mapped to events that passed validation. */
export interface AcceptedDelivery {
  kind: string
  delivery: string
  events: readonly Json[]
}

export type WebhookVerdict =
  | { status: 'bad-signature' }
  | { status: 'bad-body' }
  | { status: 'ignored'; delivery: string; why: string }
  | { status: 'accepted'; accepted: AcceptedDelivery }

/** A delivery's events validated, stored under the connector's kind as their source. */
function deliveryBatch({ kind, events }: AcceptedDelivery): EventBatch {
  const raw = events.map((value, i) => ({ file: `${kind} webhook`, line: i + 1, value }))
  return toRecords(validateEvents(raw), kind)
}

/**
 * The promise kept under `key`, made by `load` when there is none: concurrent askers share one
 * load, a failure is forgotten, and past `max` entries the oldest goes.
 */
function memo<T>(
  cache: Map<string, Promise<T>>,
  key: string,
  max: number,
  load: () => Promise<T>,
): Promise<T> {
  const found = cache.get(key)
  if (found) return found
  const made = load()
  made.catch(() => cache.delete(key))
  cache.set(key, made)
  if (cache.size > max) cache.delete(cache.keys().next().value as string)
  return made
}

/** A value loaded at first use and shared by concurrent askers; a failure is forgotten, and so is the value by `clear`. */
class Lazy<T> {
  private value: Promise<T> | undefined

  constructor(private readonly load: () => Promise<T>) {}

  get(): Promise<T> {
    if (this.value) return this.value
    const made = this.load()
    made.catch(() => {
      if (this.value === made) this.value = undefined
    })
    this.value = made
    return made
  }

  clear(): void {
    this.value = undefined
  }
}

/** A JSON object, or null when the text is not one. */
function parseObject(body: string): Json | null {
  try {
    const value = JSON.parse(body)
    return value && typeof value === 'object' && !Array.isArray(value) ? value : null
  } catch {
    return null
  }
}
/** Every KPI id of the catalog. */
export const KPI_IDS: ReadonlySet<string> = new Set(KPI_CATALOG.map((kpi) => kpi.id))
export type { KpiId } from '../metrics/kpi-catalog.js'
export type { KpiResult } from '../metrics/kpi-status.js'
export { ROLE_IDS, type Scorecard } from '../operating/scorecards.js'

export interface ScoreQuery {
  team?: string
  service?: string
  from?: string
  to?: string
  profile?: string
  now?: number
}

export interface ScoreboardAnswer {
  scope: Scope
  period: Period
  previousPeriod: Period
  current: Scoreboard
  previous: Scoreboard
}

export interface KpiAnswer {
  scope: Scope
  period: Period
  kpis: KpiResult[]
  board: Scoreboard
  /** The same scope over the period of equal length before: the base of every trend. */
  previousBoard: Scoreboard
}
