import { verifiedTokenMs } from '../../infrastructure/tokens/token-repository';

/** Past this many remembered sessions, the stale ones are forgotten before another is added. */
const rememberedSessions = 1000;

/**
 * Sessions found live in the last `verifiedTokenMs`, by hash: while an address is past its failure
 * limit, their holders are still let through to the session look-up, as a bearer token verified
 * as lately is (someone behind the same NAT guessing tokens locks no dashboard user out).
 */
export class RecentlyLiveSessions {
  private readonly until = new Map<string, number>();

  remember(hash: string, now = Date.now()): void {
    if (this.until.size >= rememberedSessions) {
      for (const [known, until] of this.until) if (until <= now) this.until.delete(known);
    }
    if (this.until.size < rememberedSessions) this.until.set(hash, now + verifiedTokenMs);
  }

  knows(hash: string, now = Date.now()): boolean {
    const until = this.until.get(hash);
    return until !== undefined && until > now;
  }
}
