// Seeds a temporary data dir and starts `canyu serve` on 127.0.0.1:0 with the built
import { fileURLToPath } from 'node:url'
const __dirname = fileURLToPath(new URL('.', import.meta.url))
// frontend; the URL reaches the tests through CANYU_URL. Returns the teardown.
import { spawn, execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync, existsSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'

export default async function globalSetup(): Promise<() => Promise<void>> {
  const root = resolve(__dirname, '..', '..')
  const bin = process.env.CANYU_BIN ?? join(root, 'target', 'debug', 'canyu')
  if (!existsSync(bin)) throw new Error(`canyu binary not found at ${bin}; run cargo build -p canyu`)
  const dist = resolve(__dirname, '..', 'dist')
  if (!existsSync(join(dist, 'index.html'))) throw new Error('frontend/dist is missing; run npm run build')
  const dataDir = mkdtempSync(join(tmpdir(), 'canyu-e2e-'))
  execFileSync(bin, ['seed-demo', '--data-dir', dataDir], { stdio: 'ignore' })
  const child = spawn(bin, ['serve', '--data-dir', dataDir, '--listen', '127.0.0.1:0'], {
    env: { ...process.env, CANYU_STATIC_DIR: dist, CANYU_LOG: process.env.CANYU_LOG ?? 'warn' },
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  const url = await new Promise<string>((ok, fail) => {
    let buf = ''
    const timer = setTimeout(() => fail(new Error('canyu serve did not start in 60 s')), 60_000)
    child.stdout!.on('data', (chunk: Buffer) => {
      buf += chunk.toString()
      const m = /listening on (http:\/\/\S+)/.exec(buf)
      if (m) {
        clearTimeout(timer)
        ok(m[1])
      }
    })
    child.on('exit', (code) => fail(new Error(`canyu serve exited with ${code}`)))
  })
  child.stdout!.resume()
  process.env.CANYU_URL = url
  return async () => {
    child.kill('SIGTERM')
    await new Promise((r) => setTimeout(r, 300))
    rmSync(dataDir, { recursive: true, force: true })
  }
}
