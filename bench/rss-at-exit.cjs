// Preloaded into a measured engops process (node --require): at exit, its peak resident set size
// (KiB, as the OS counts it) goes to the file named by ENGOPS_BENCH_RSS.
const { writeFileSync } = require('node:fs')

process.on('exit', () => {
  if (process.env.ENGOPS_BENCH_RSS)
    writeFileSync(process.env.ENGOPS_BENCH_RSS, String(process.resourceUsage().maxRSS))
})
