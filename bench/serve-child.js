// Starts a server as a child process and resolves with its URL once it prints "ready".
import { spawn } from 'node:child_process'

export function startChild(args, options = {}) {
  const child = spawn(process.execPath, args, { ...options, stdio: ['ignore', 'pipe', 'inherit'] })
  return new Promise((resolve, reject) => {
    let text = ''
    child.stdout.on('data', (chunk) => {
      text += chunk
      if (/^ready$/m.test(text)) resolve({ child, url: /at (http:\/\/\S+)/.exec(text)[1] })
    })
    child.on('exit', (code) => reject(new Error(`${args.join(' ')} exited with ${code}: ${text}`)))
  })
}
