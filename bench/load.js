// A tiny closed-loop HTTP load generator for the benchmarks: `connections` keep-alive clients
// each send the next request as soon as the last one answered, for `seconds`. Returns latencies.
import http from 'node:http'

export async function load({ url, connections, seconds, method = 'GET', headers = {}, body }) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: connections })
  const target = new URL(url)
  const latencies = []
  let errors = 0
  const end = process.hrtime.bigint() + BigInt(Math.round(seconds * 1e9))
  const one = () =>
    new Promise((resolve) => {
      const start = process.hrtime.bigint()
      const request = http.request(
        {
          agent,
          host: target.hostname,
          port: target.port,
          path: target.pathname + target.search,
          method,
          headers,
        },
        (response) => {
          response.on('data', () => {})
          response.on('end', () => {
            if (response.statusCode !== 200) errors++
            latencies.push(Number(process.hrtime.bigint() - start) / 1e6)
            resolve()
          })
        },
      )
      request.on('error', () => {
        errors++
        resolve()
      })
      request.end(typeof body === 'function' ? body() : body)
    })
  const started = process.hrtime.bigint()
  await Promise.all(
    Array.from({ length: connections }, async () => {
      while (process.hrtime.bigint() < end) await one()
    }),
  )
  const elapsed = Number(process.hrtime.bigint() - started) / 1e9
  agent.destroy()
  latencies.sort((a, b) => a - b)
  const at = (p) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] ?? 0
  return {
    requests: latencies.length,
    errors,
    elapsed,
    perSecond: latencies.length / elapsed,
    p50: at(0.5),
    p99: at(0.99),
  }
}
