#!/usr/bin/env node
'use strict';
/**
 * A real single-node Apache Kafka broker (KRaft combined mode) for tests, on
 * machines without Docker. Needs only Java 17+ and Maven on PATH (Maven
 * Central reachable the first time); no npm dependencies.
 *
 *   node scripts/kafka/broker.js start    # prints KAFKA_BROKERS=127.0.0.1:39092, leaves it running
 *   node scripts/kafka/broker.js status   # exit 0 if running, 1 if not
 *   node scripts/kafka/broker.js stop
 *   node scripts/kafka/broker.js start --keep-data   # restart on the data of the last run (topics,
 *                                                     # offsets, messages), formatting only if none
 *   node scripts/kafka/broker.js restart             # stop, then start --keep-data
 *
 *   const { ensureBroker, stopBroker } = require('./scripts/kafka/broker.js');
 *   const { brokers, started, stop } = await ensureBroker();
 *
 * Layout (cache dir is outside the repo so jars/data never end up in git):
 *   ${COMMONHOLD_CACHE:-${XDG_CACHE_HOME:-~/.cache}/commonhold}/kafka-<version>/
 *     libs/                 broker jars + runtime deps (complete iff libs/.complete exists)
 *     libs.lock             held while fetching jars
 *     log4j.properties      broker logging config (everything to stdout -> broker.log)
 *     run-<port>/           data dir, wiped on every fresh start unless keepData
 *       server.properties
 *       broker.log          broker stdout+stderr
 *       data/               Kafka log.dirs
 *     run-<port>.pid        pid (= process group id) of the running broker
 *     run-<port>.lock       held while checking/starting the broker on <port>
 *
 * Env: KAFKA_BROKERS (use an existing cluster, do nothing), KAFKA_PORT,
 * KAFKA_CONTROLLER_PORT, COMMONHOLD_CACHE, JAVA_HOME, MVN (maven command).
 */

const fs = require('node:fs');
const path = require('node:path');
const os = require('node:os');
const net = require('node:net');
const crypto = require('node:crypto');
const { spawn, execFile } = require('node:child_process');

const POM = path.join(__dirname, 'pom.xml');
const HOST = '127.0.0.1';
const DEFAULT_PORT = 39092;
const DEFAULT_TIMEOUT_MS = 90_000;
// Logged by kafka.server.KafkaRaftServer once both the controller and the
// broker side have finished starting (checked against 3.9.1).
const STARTED_LINE = 'Kafka Server started';
// Marker written into libs/ only after a fully successful Maven fetch.
const COMPLETE_MARKER = '.complete';

/** Kafka version, read from pom.xml so the pom stays the single source of truth. */
const KAFKA_VERSION = (() => {
  const m = /<kafka\.version>\s*([^<\s]+)\s*<\/kafka\.version>/.exec(fs.readFileSync(POM, 'utf8'));
  if (!m) throw new Error(`no <kafka.version> property in ${POM}`);
  return m[1];
})();

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function cacheRoot() {
  if (process.env.COMMONHOLD_CACHE) return path.resolve(process.env.COMMONHOLD_CACHE);
  const xdg = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return path.join(xdg, 'commonhold');
}

function resolveConfig(opts = {}) {
  const port = Number(opts.port ?? process.env.KAFKA_PORT ?? DEFAULT_PORT);
  const controllerPort = Number(opts.controllerPort ?? process.env.KAFKA_CONTROLLER_PORT ?? port + 1);
  for (const [name, p] of [['port', port], ['controllerPort', controllerPort]]) {
    if (!Number.isInteger(p) || p <= 0 || p > 65535) throw new Error(`invalid Kafka ${name}: ${p}`);
  }
  if (port === controllerPort) throw new Error('Kafka port and controllerPort must differ');
  const home = path.join(cacheRoot(), `kafka-${KAFKA_VERSION}`);
  return {
    port,
    controllerPort,
    brokers: `${HOST}:${port}`,
    home,
    libsDir: path.join(home, 'libs'),
    log4jFile: path.join(home, 'log4j.properties'),
    runDir: path.join(home, `run-${port}`),
    pidFile: path.join(home, `run-${port}.pid`),
    lockFile: path.join(home, `run-${port}.lock`),
    logFile: path.join(home, `run-${port}`, 'broker.log'),
    timeoutMs: Number(opts.timeoutMs ?? DEFAULT_TIMEOUT_MS),
    keepData: Boolean(opts.keepData ?? /^(1|true|yes)$/i.test(process.env.KAFKA_KEEP_DATA ?? '')),
    log: opts.quiet ? () => {} : (msg) => process.stderr.write(`[kafka] ${msg}\n`),
  };
}

// ---------------------------------------------------------------------------
// process helpers
// ---------------------------------------------------------------------------

/** True if pid exists and is not a zombie (kill(0) succeeds on zombies). */
function isAlive(pid) {
  if (!pid) return false;
  try {
    process.kill(pid, 0);
  } catch (e) {
    return e.code === 'EPERM';
  }
  try {
    // /proc/<pid>/stat: "pid (comm) S ..." -- comm may contain spaces/parens.
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return true; // no /proc (macOS): trust kill(0)
  }
}

/** Guards against pid reuse: is pid really a kafka.Kafka JVM? (Linux only; elsewhere assume yes.) */
function isKafkaProcess(pid) {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').includes('kafka.Kafka');
  } catch (e) {
    return e.code !== 'ENOENT' || !fs.existsSync('/proc/self');
  }
}

function readPid(file) {
  try {
    const pid = Number.parseInt(fs.readFileSync(file, 'utf8'), 10);
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}

function portOpen(port, timeoutMs = 1000) {
  return new Promise((resolve) => {
    const sock = net.connect({ host: HOST, port });
    const done = (ok) => {
      sock.destroy();
      resolve(ok);
    };
    sock.setTimeout(timeoutMs, () => done(false));
    sock.once('connect', () => done(true));
    sock.once('error', () => done(false));
  });
}

/** SIGTERM the process group, SIGKILL it after graceMs, wait until the leader is gone. */
async function killGroup(pid, graceMs = 10_000) {
  const signal = (sig) => {
    try {
      process.kill(-pid, sig); // negative pid = whole process group (broker was spawned detached)
    } catch (e) {
      if (e.code !== 'ESRCH') throw e;
    }
  };
  signal('SIGTERM');
  const deadline = Date.now() + graceMs;
  while (isAlive(pid) && Date.now() < deadline) await sleep(100);
  if (isAlive(pid)) {
    signal('SIGKILL');
    const hardDeadline = Date.now() + 5000;
    while (isAlive(pid) && Date.now() < hardDeadline) await sleep(100);
  }
}

function run(cmd, args, options = {}) {
  return new Promise((resolve, reject) => {
    execFile(cmd, args, { maxBuffer: 64 * 1024 * 1024, ...options }, (err, stdout, stderr) => {
      if (err) {
        const hint = err.code === 'ENOENT' ? ` (is ${cmd} installed and on PATH?)` : '';
        err.message = `${cmd} ${args.join(' ')} failed${hint}: ${err.message}\n${stdout}\n${stderr}`.trim();
        reject(err);
      } else resolve({ stdout, stderr });
    });
  });
}

function tail(file, lines = 40) {
  try {
    return fs.readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

// ---------------------------------------------------------------------------
// lock file: O_EXCL create; a lock whose owner pid is dead is stale and broken
// ---------------------------------------------------------------------------

async function withLock(lockFile, timeoutMs, fn) {
  fs.mkdirSync(path.dirname(lockFile), { recursive: true });
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      fs.writeFileSync(lockFile, String(process.pid), { flag: 'wx' });
      break;
    } catch (e) {
      if (e.code !== 'EEXIST') throw e;
    }
    const owner = readPid(lockFile);
    let age = 0;
    try {
      age = Date.now() - fs.statSync(lockFile).mtimeMs;
    } catch {
      continue; // vanished between our create and stat: retry now
    }
    // owner === null: file just created but pid not written yet, unless it is old.
    if ((owner !== null && !isAlive(owner)) || (owner === null && age > 10_000)) {
      fs.rmSync(lockFile, { force: true });
      continue;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for lock ${lockFile} (held by pid ${owner})`);
    await sleep(200);
  }
  try {
    return await fn();
  } finally {
    if (readPid(lockFile) === process.pid) fs.rmSync(lockFile, { force: true });
  }
}

// ---------------------------------------------------------------------------
// jars
// ---------------------------------------------------------------------------

const libsComplete = (cfg) => fs.existsSync(path.join(cfg.libsDir, COMPLETE_MARKER));

/**
 * Fetch kafka_2.13 + runtime deps into <home>/libs via Maven. Fetched into a
 * temp dir and renamed into place, under a lock, so concurrent callers never
 * see (or produce) a half-filled libs dir.
 */
async function ensureLibs(cfg) {
  if (libsComplete(cfg)) return;
  await withLock(path.join(cfg.home, 'libs.lock'), 15 * 60_000, async () => {
    if (libsComplete(cfg)) return; // another process fetched while we waited
    // We hold the lock, so any libs.tmp-* left is from a fetch that was killed.
    for (const name of fs.readdirSync(cfg.home)) {
      if (name.startsWith('libs.tmp-')) fs.rmSync(path.join(cfg.home, name), { recursive: true, force: true });
    }
    const tmp = `${cfg.libsDir}.tmp-${process.pid}`;
    cfg.log(`fetching Kafka ${KAFKA_VERSION} jars with Maven into ${cfg.libsDir} ...`);
    const t0 = Date.now();
    await run(process.env.MVN || 'mvn', [
      '-q', '-B',
      '-f', POM,
      'dependency:copy-dependencies',
      `-DoutputDirectory=${tmp}`,
    ]);
    if (!fs.existsSync(path.join(tmp, `kafka_2.13-${KAFKA_VERSION}.jar`))) {
      throw new Error(`Maven finished but kafka_2.13-${KAFKA_VERSION}.jar is missing from ${tmp}`);
    }
    fs.writeFileSync(path.join(tmp, COMPLETE_MARKER), `${new Date().toISOString()}\n`);
    fs.rmSync(cfg.libsDir, { recursive: true, force: true }); // leftover without marker
    fs.renameSync(tmp, cfg.libsDir);
    cfg.log(`jars fetched in ${((Date.now() - t0) / 1000).toFixed(1)}s`);
  });
}

// ---------------------------------------------------------------------------
// config files
// ---------------------------------------------------------------------------

function writeLog4j(cfg) {
  // Everything goes to stdout, which broker.js redirects into run-<port>/broker.log.
  // Written every start (cheap) so edits here take effect without wiping the cache.
  const content = [
    'log4j.rootLogger=INFO, stdout',
    'log4j.appender.stdout=org.apache.log4j.ConsoleAppender',
    'log4j.appender.stdout.layout=org.apache.log4j.PatternLayout',
    'log4j.appender.stdout.layout.ConversionPattern=[%d] %p %m (%c)%n',
    // Chatty loggers that say nothing useful for tests.
    'log4j.logger.kafka.request.logger=WARN',
    'log4j.logger.state.change.logger=WARN',
    'log4j.logger.kafka.log.LogCleaner=WARN',
    'log4j.logger.org.apache.zookeeper=WARN',
    // Keep INFO here: the "Kafka Server started" readiness line comes from this logger.
    'log4j.logger.kafka.server.KafkaRaftServer=INFO',
    '',
  ].join('\n');
  // temp + rename: a broker on another port may be reading it right now, and a
  // truncated config would silence its log (and so its readiness line).
  const tmp = `${cfg.log4jFile}.tmp-${process.pid}`;
  fs.writeFileSync(tmp, content);
  fs.renameSync(tmp, cfg.log4jFile);
}

function serverProperties(cfg) {
  const props = {
    // KRaft combined mode: one JVM is both the controller quorum and the broker.
    'process.roles': 'broker,controller',
    'node.id': 1,
    'controller.quorum.voters': `1@${HOST}:${cfg.controllerPort}`,
    // Bind to loopback only: tests never need (and must not expose) anything else.
    listeners: `PLAINTEXT://${HOST}:${cfg.port},CONTROLLER://${HOST}:${cfg.controllerPort}`,
    // What clients are told to reconnect to after bootstrap; must be reachable from them.
    'advertised.listeners': `PLAINTEXT://${HOST}:${cfg.port}`,
    // Required in KRaft: which listener is the controller's, and its protocol.
    'controller.listener.names': 'CONTROLLER',
    'inter.broker.listener.name': 'PLAINTEXT',
    'listener.security.protocol.map': 'CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT',
    'log.dirs': path.join(cfg.runDir, 'data'),

    // Single node: every replication factor must be 1 or topic creation fails
    // (internal topics default to RF 3 and the group coordinator would never load).
    'offsets.topic.replication.factor': 1,
    'transaction.state.log.replication.factor': 1,
    'transaction.state.log.min.isr': 1,
    'default.replication.factor': 1,
    'min.insync.replicas': 1,
    // Internal topics default to 50 partitions each; creating them makes the
    // first consumer-group join / first transaction noticeably slow.
    'offsets.topic.num.partitions': 3,
    'transaction.state.log.num.partitions': 3,

    // Tests produce to topics they never created explicitly.
    'auto.create.topics.enable': true,
    'num.partitions': 3,
    'delete.topic.enable': true,
    // Default 3 s delay before the first rebalance of a new group: pure waiting in tests.
    'group.initial.rebalance.delay.ms': 0,

    // Be light on a 2-core box.
    'num.network.threads': 2,
    'num.io.threads': 2,
    'num.recovery.threads.per.data.dir': 1,
    // The log cleaner pre-allocates a 128 MiB dedupe buffer on the heap by default.
    'log.cleaner.dedupe.buffer.size': 16 * 1024 * 1024,
  };
  return (
    '# Generated by scripts/kafka/broker.js -- overwritten on every fresh start.\n' +
    Object.entries(props).map(([k, v]) => `${k}=${v}`).join('\n') +
    '\n'
  );
}

/** Random Kafka cluster id: 16 random bytes, URL-safe base64 without padding (22 chars). */
// 16 random bytes, base64url (Kafka's cluster id format). kafka-storage parses an id starting with
// '-' as an option, so draw again in that case (1 in 64).
const newClusterId = () => {
  for (;;) {
    const id = crypto.randomBytes(16).toString('base64url');
    if (!id.startsWith('-')) return id;
  }
};

function javaBin() {
  return process.env.JAVA_HOME ? path.join(process.env.JAVA_HOME, 'bin', 'java') : 'java';
}

function javaBaseArgs(cfg) {
  return [
    '-Djava.awt.headless=true',
    `-Dlog4j.configuration=file:${cfg.log4jFile}`,
    '-cp',
    path.join(cfg.libsDir, '*'), // the JVM expands the wildcard itself
  ];
}

// ---------------------------------------------------------------------------
// broker lifecycle
// ---------------------------------------------------------------------------

/** Our broker on cfg.port if it is running and reachable, else null (cleans a stale pid file). */
async function runningBroker(cfg) {
  const pid = readPid(cfg.pidFile);
  if (!pid) return null;
  if (!isAlive(pid) || !isKafkaProcess(pid)) {
    fs.rmSync(cfg.pidFile, { force: true });
    return null;
  }
  if (await portOpen(cfg.port)) return pid;
  // Alive but not listening: hung or half dead (we hold the start lock, so it
  // is not another caller still starting it). Ours, so kill it and start over.
  cfg.log(`broker pid ${pid} is alive but port ${cfg.port} is closed; killing it`);
  await killGroup(pid);
  fs.rmSync(cfg.pidFile, { force: true });
  return null;
}

async function startFresh(cfg) {
  if (await portOpen(cfg.port)) {
    throw new Error(`port ${cfg.port} is already in use by something that is not this script's broker; ` +
      'set KAFKA_PORT or stop it');
  }
  await ensureLibs(cfg);
  writeLog4j(cfg);

  // keepData: restart on the previous run's log dirs (a broker restart, not a new cluster).
  const formatted = fs.existsSync(path.join(cfg.runDir, 'data', 'meta.properties'));
  const reuse = cfg.keepData && formatted;
  if (!reuse) fs.rmSync(cfg.runDir, { recursive: true, force: true });
  fs.mkdirSync(path.join(cfg.runDir, 'data'), { recursive: true });
  const propsFile = path.join(cfg.runDir, 'server.properties');
  fs.writeFileSync(propsFile, serverProperties(cfg));

  // KRaft refuses to start on an unformatted log dir.
  if (!reuse) {
    await run(javaBin(), [
      '-XX:+UseSerialGC', '-XX:TieredStopAtLevel=1', // short-lived tool: fastest JVM startup
      ...javaBaseArgs(cfg),
      'kafka.tools.StorageTool', 'format', '-t', newClusterId(), '-c', propsFile,
    ]);
  } else {
    cfg.log(`restarting on the data in ${path.join(cfg.runDir, 'data')}`);
    // Only the new run's lines count when waiting for STARTED_LINE.
    fs.rmSync(cfg.logFile, { force: true });
  }

  const out = fs.openSync(cfg.logFile, 'a');
  let child;
  try {
    child = spawn(javaBin(), [
      '-Xms256m', '-Xmx768m',
      // Serial GC: one GC thread, smallest footprint; plenty for a test broker.
      '-XX:+UseSerialGC',
      '-XX:+ExitOnOutOfMemoryError',
      ...javaBaseArgs(cfg),
      'kafka.Kafka', propsFile,
    ], {
      cwd: cfg.runDir,
      detached: true, // own process group (setsid) so stop() can kill it as a whole
      stdio: ['ignore', out, out],
    });
  } finally {
    fs.closeSync(out); // the child has its own copy of the fd
  }
  await new Promise((resolve, reject) => {
    child.once('spawn', resolve);
    child.once('error', (e) => reject(new Error(`cannot start java (${javaBin()}): ${e.message}`)));
  });
  child.unref(); // let a CLI `start` exit while the broker keeps running
  const pid = child.pid;
  let exitInfo = null;
  child.once('exit', (code, sig) => { exitInfo = `exited with ${sig || `code ${code}`}`; });
  fs.writeFileSync(cfg.pidFile, `${pid}\n`);

  // Ready = the server says it started AND its port accepts connections.
  const deadline = Date.now() + cfg.timeoutMs;
  for (;;) {
    if (exitInfo || !isAlive(pid)) {
      fs.rmSync(cfg.pidFile, { force: true });
      throw new Error(`Kafka broker ${exitInfo || 'died'} during startup. Log tail (${cfg.logFile}):\n${tail(cfg.logFile)}`);
    }
    let logged = false;
    try {
      logged = fs.readFileSync(cfg.logFile, 'utf8').includes(STARTED_LINE);
    } catch { /* not created yet */ }
    if (logged && (await portOpen(cfg.port))) return pid;
    if (Date.now() > deadline) {
      await killGroup(pid);
      fs.rmSync(cfg.pidFile, { force: true });
      throw new Error(`Kafka broker not ready after ${cfg.timeoutMs / 1000}s. Log tail (${cfg.logFile}):\n${tail(cfg.logFile)}`);
    }
    await sleep(200);
  }
}

/**
 * Make sure a Kafka broker is available.
 *
 * @param {object} [opts]
 * @param {number} [opts.port=39092]   broker port (or env KAFKA_PORT)
 * @param {number} [opts.controllerPort=port+1]  KRaft controller port (or env KAFKA_CONTROLLER_PORT)
 * @param {number} [opts.timeoutMs=90000]  max wait for readiness
 * @param {boolean} [opts.quiet=false]  no progress messages on stderr
 * @param {boolean} [opts.keepData=false]  start on the previous run's data (env KAFKA_KEEP_DATA=1)
 * @returns {Promise<{brokers: string, started: boolean, pid?: number, stop: () => Promise<void>}>}
 *   started=false when KAFKA_BROKERS is set or an already running broker of
 *   this script is reused; stop() is then a no-op (use stopBroker() to force).
 */
async function ensureBroker(opts = {}) {
  if (process.env.KAFKA_BROKERS) {
    return { brokers: process.env.KAFKA_BROKERS, started: false, stop: async () => {} };
  }
  const cfg = resolveConfig(opts);
  // Lock timeout covers a cold jar fetch by another caller plus its startup.
  return withLock(cfg.lockFile, 15 * 60_000 + cfg.timeoutMs, async () => {
    const existing = await runningBroker(cfg);
    if (existing) {
      cfg.log(`reusing running broker pid ${existing} on ${cfg.brokers}`);
      return { brokers: cfg.brokers, started: false, pid: existing, stop: async () => {} };
    }
    const t0 = Date.now();
    const pid = await startFresh(cfg);
    cfg.log(`broker pid ${pid} ready on ${cfg.brokers} in ${((Date.now() - t0) / 1000).toFixed(1)}s (log: ${cfg.logFile})`);
    const stop = async () => {
      await killGroup(pid);
      if (readPid(cfg.pidFile) === pid) fs.rmSync(cfg.pidFile, { force: true });
    };
    return { brokers: cfg.brokers, started: true, pid, stop };
  });
}

/**
 * Stop the broker this script started on opts.port (default 39092 / KAFKA_PORT).
 * @returns {Promise<boolean>} true if a running broker was stopped
 */
async function stopBroker(opts = {}) {
  const cfg = resolveConfig(opts);
  const pid = readPid(cfg.pidFile);
  let stopped = false;
  if (pid && isAlive(pid) && isKafkaProcess(pid)) {
    // opts.kill: SIGKILL at once (a crash, for fault drills) instead of SIGTERM then SIGKILL.
    if (opts.kill) {
      try { process.kill(-pid, 'SIGKILL'); } catch { /* already gone */ }
      for (let i = 0; i < 100 && isAlive(pid); i++) await sleep(50);
      // The listener can outlive the pid check for a moment; a restart needs the port free.
      for (let i = 0; i < 200 && (await portOpen(cfg.port, 200)); i++) await sleep(50);
    } else await killGroup(pid);
    stopped = true;
  }
  fs.rmSync(cfg.pidFile, { force: true });
  return stopped;
}

/**
 * Status of this script's broker on opts.port, without side effects.
 * @returns {Promise<{running: boolean, brokers: string, pid: number|null, logFile: string}>}
 */
async function brokerStatus(opts = {}) {
  const cfg = resolveConfig(opts);
  const pid = readPid(cfg.pidFile);
  const running = Boolean(pid && isAlive(pid) && isKafkaProcess(pid) && (await portOpen(cfg.port)));
  return { running, brokers: cfg.brokers, pid: running ? pid : null, logFile: cfg.logFile };
}

module.exports = { ensureBroker, stopBroker, brokerStatus, KAFKA_VERSION };

// ---------------------------------------------------------------------------
// CLI
// ---------------------------------------------------------------------------

async function main(argv) {
  const cmd = argv[0];
  switch (cmd) {
    case 'restart':
      await stopBroker();
    // falls through
    case 'start': {
      const { brokers } = await ensureBroker({ keepData: cmd === 'restart' || argv.includes('--keep-data') || undefined });
      process.stdout.write(`KAFKA_BROKERS=${brokers}\n`);
      return 0;
    }
    case 'stop': {
      const stopped = await stopBroker();
      process.stderr.write(`[kafka] ${stopped ? 'stopped' : 'not running'}\n`);
      return 0;
    }
    case 'status': {
      const s = await brokerStatus();
      process.stdout.write(s.running ? `running pid=${s.pid} KAFKA_BROKERS=${s.brokers}\n` : 'not running\n');
      return s.running ? 0 : 1;
    }
    default:
      process.stderr.write('usage: node scripts/kafka/broker.js start [--keep-data]|restart|stop|status\n' +
        '  env: KAFKA_PORT (39092), KAFKA_CONTROLLER_PORT (port+1), COMMONHOLD_CACHE, KAFKA_BROKERS\n');
      return 2;
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => { process.exitCode = code; },
    (err) => {
      process.stderr.write(`[kafka] ${err.stack || err}\n`);
      process.exitCode = 1;
    },
  );
}
