// Starts the real `canyu serve` for the conformance runs: a seeded temporary data dir,
// 127.0.0.1 on a free port. Returns { url, stop }.
import { spawn, execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync, existsSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

export async function startServer(env = {}) {
  const root = resolve(fileURLToPath(new URL('.', import.meta.url)), '..', '..')
  const bin = process.env.CANYU_BIN ?? join(root, 'target', 'debug', 'canyu')
  if (!existsSync(bin)) throw new Error(`canyu binary not found at ${bin}; run cargo build -p canyu`)
  const dataDir = mkdtempSync(join(tmpdir(), 'canyu-conformance-'))
  execFileSync(bin, ['seed-demo', '--data-dir', dataDir], { stdio: 'ignore' })
  const child = spawn(bin, ['serve', '--data-dir', dataDir, '--listen', '127.0.0.1:0'], {
    env: { ...process.env, CANYU_LOG: process.env.CANYU_LOG ?? 'warn', ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  const url = await new Promise((ok, fail) => {
    let buf = ''
    const timer = setTimeout(() => fail(new Error('canyu serve did not start in 60 s')), 60_000)
    child.stdout.on('data', (chunk) => {
      buf += chunk.toString()
      const m = /listening on (http:\/\/\S+)/.exec(buf)
      if (m) {
        clearTimeout(timer)
        ok(m[1].replace(/\/$/, ''))
      }
    })
    child.on('exit', (code) => fail(new Error(`canyu serve exited with ${code}`)))
  })
  child.stdout.resume()
  return {
    url,
    async stop() {
      child.kill('SIGTERM')
      await new Promise((r) => setTimeout(r, 300))
      rmSync(dataDir, { recursive: true, force: true })
    },
  }
}
