import { seededRandom } from "../model/random.ts";

/**
 * xoshiro128** (Blackman & Vigna, 2018): a fast generator of good quality
 * for the bootstrap's hot loop, which draws hundreds of millions of indices.
 * It fills a whole array per call with its state held in local integers;
 * the closure of model/random.ts, called once per draw, boxes its state on every
 * call and costs about three times as much per draw.
 */
export class Xoshiro128 {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  /** The four state words come from the seed through model/random.ts, so that no seed gives the all-zero state. */
  constructor(seed: number) {
    const expand = seededRandom(seed);
    const word = () => (expand() * 4294967296) | 0;
    this.a = word();
    this.b = word();
    this.c = word();
    this.d = word() | 1;
  }

  /** Fills out[0, count) with uniform integers in [0, below); the state stays in registers for the whole loop. */
  fillBelow(out: Int32Array, count: number, below: number): void {
    let s0 = this.a;
    let s1 = this.b;
    let s2 = this.c;
    let s3 = this.d;
    for (let i = 0; i < count; i++) {
      const x = Math.imul(s1, 5);
      out[i] = ((Math.imul((x << 7) | (x >>> 25), 9) >>> 0) / 4294967296) * below;
      const t = s1 << 9;
      s2 ^= s0;
      s3 ^= s1;
      s1 ^= s2;
      s0 ^= s3;
      s2 ^= t;
      s3 = (s3 << 11) | (s3 >>> 21);
    }
    this.a = s0;
    this.b = s1;
    this.c = s2;
    this.d = s3;
  }
}
