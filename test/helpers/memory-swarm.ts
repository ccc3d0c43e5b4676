/**
 * A whole swarm in one thread: the tracker and every peer's main, download and upload roles
 * over a MemoryNetwork, with the real codec on every message. For unit tests.
 */
import type { PeerInput } from '../../src/io/input.js';
import { Download, DEFAULT_DOWNLOAD_OPTIONS, type DownloadOptions } from '../../src/peer/download.js';
import { hashAsPayload } from '../../src/peer/payload.js';
import { prepareStore, registration, wantedFiles } from '../../src/peer/course-setup.js';
import { Upload, type UploadBehaviour } from '../../src/peer/upload.js';
import { MemoryNetwork } from '../../src/protocol/memory-network.js';
import type { Message } from '../../src/protocol/messages.js';
import type { Outbox } from '../../src/protocol/outbox.js';
import { seededRandom } from '../../src/protocol/random.js';
import type { Role } from '../../src/protocol/role.js';
import { Tag } from '../../src/protocol/tags.js';
import { Tracker } from '../../src/tracker/tracker.js';

/** One message sent or delivered, in the order it happened. */
export interface TrafficEvent {
  kind: 'send' | 'deliver';
  /** Sender and receiver ranks. */
  source: number;
  dest: number;
  tag: Tag;
  message: Message;
  /** Virtual time. */
  at: number;
}

/**
 * A MemoryNetwork that logs every message when sent and when delivered, in one sequence, so
 * tests can ask what a role knew when it sent something.
 */
export class TrafficNetwork extends MemoryNetwork {
  readonly traffic: TrafficEvent[] = [];

  override outbox(rank: number): Outbox {
    const outbox = super.outbox(rank);
    const send = outbox.send.bind(outbox);
    // Logs the message object as sent (roles never change a message after sending it).
    outbox.send = (dest, tag, message) => {
      this.traffic.push({ kind: 'send', source: rank, dest, tag, message, at: this.now });
      send(dest, tag, message);
    };
    return outbox;
  }

  override attach(rank: number, tag: Tag, role: Role): void {
    super.attach(rank, tag, {
      start: (now) => role.start(now),
      handle: (source, message, now) => {
        this.traffic.push({ kind: 'deliver', source, dest: rank, tag, message, at: this.now });
        role.handle(source, message, now);
      },
      tick: (now) => role.tick(now),
      get done() {
        return role.done;
      },
      close: (now) => role.close?.(now),
    });
  }

  /** Messages delivered to a role. */
  get delivered(): number {
    return this.traffic.filter((event) => event.kind === 'deliver').length;
  }
}

export interface SwarmRun {
  network: TrafficNetwork;
  tracker: Tracker;
  downloads: Map<number, Download>;
  uploads: Map<number, Upload>;
  /** "client<R>_<file>" → the hashes written. */
  outputs: Map<string, readonly string[]>;
  /** Each time the tracker stopped offering a sender for a file. */
  distrusts: { fileId: number; sender: number }[];
}

export interface SwarmOptions {
  seed?: number;
  download?: Partial<DownloadOptions>;
  behaviours?: Map<number, UploadBehaviour>;
  strikeLimit?: number;
}

/** Registers, waits for the go-ahead, then starts the peer's two halves. */
class PeerMain implements Role {
  done = false;
  constructor(
    private readonly rank: number,
    private readonly input: PeerInput,
    private readonly network: TrafficNetwork,
    private readonly run: SwarmRun,
    private readonly options: SwarmOptions,
  ) {}

  start(): void {
    this.network.outbox(this.rank).send(0, Tag.Tracker, registration(this.input));
  }

  tick(): number {
    return Infinity;
  }

  handle(_source: number, message: Message): void {
    if (message.type !== 'ready') throw new Error(`peer main got ${message.type}`);
    const store = prepareStore(message, this.input, hashAsPayload);
    const upload = new Upload({
      rank: this.rank,
      size: this.network.size,
      outbox: this.network.outbox(this.rank),
      store,
      ...(this.options.behaviours?.get(this.rank) ? { behaviour: this.options.behaviours.get(this.rank)! } : {}),
    });
    const download = new Download({
      rank: this.rank,
      outbox: this.network.outbox(this.rank),
      store,
      payloads: hashAsPayload,
      random: seededRandom((this.options.seed ?? 1) * 1000 + this.rank),
      files: wantedFiles(message, this.input),
      writeOutput: (name, hashes) => this.run.outputs.set(`client${this.rank}_${name}`, [...hashes]),
      options: { ...DEFAULT_DOWNLOAD_OPTIONS, ...this.options.download },
    });
    this.run.uploads.set(this.rank, upload);
    this.run.downloads.set(this.rank, download);
    this.network.attach(this.rank, Tag.Upload, upload);
    this.network.attach(this.rank, Tag.Download, download);
    this.done = true;
  }
}

/** Runs the swarm to the end; peers are ranks 1..inputs.length. */
export function runSwarm(inputs: readonly PeerInput[], options: SwarmOptions = {}): SwarmRun {
  const network = new TrafficNetwork(inputs.length + 1, options.seed ?? 1);
  const distrusts: SwarmRun['distrusts'] = [];
  const tracker = new Tracker(
    network.size,
    network.outbox(0),
    { strikeLimit: options.strikeLimit ?? 3 },
    {
      onDistrust: (file, sender) => distrusts.push({ fileId: file.id, sender }),
    },
  );
  const run: SwarmRun = { network, tracker, downloads: new Map(), uploads: new Map(), outputs: new Map(), distrusts };
  network.attach(0, Tag.Tracker, tracker);
  inputs.forEach((input, i) => network.attach(i + 1, Tag.PeerMain, new PeerMain(i + 1, input, network, run, options)));
  network.run();
  return run;
}
