import { createPublicKey } from 'node:crypto';
import { createRemoteJWKSet, importJWK, jwtVerify, type JWTVerifyGetKey, type JWK } from 'jose';
import { z } from 'zod';
import type { Config } from '../core/config.js';
import { roles, type Principal } from './principal.js';

const claimsSchema = z.object({
  sub: z.string().min(1),
  tenant: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/),
  role: z.enum(roles).default('member'),
});

type KeySource = Parameters<typeof jwtVerify>[1] | JWTVerifyGetKey;

/**
 * Verifies bearer JWTs signed by the configured key: an HS256 secret, a public key (PEM or JWK)
 * or a JWKS URL. Tokens carry `sub`, `tenant` and optionally `role` (default member).
 */
export class JwtVerifier {
  private constructor(
    private readonly key: KeySource,
    private readonly options: { issuer?: string; audience?: string },
  ) {}

  static async fromConfig(config: Config): Promise<JwtVerifier | undefined> {
    const options = {
      ...(config.SOMAGENT_JWT_ISSUER ? { issuer: config.SOMAGENT_JWT_ISSUER } : {}),
      ...(config.SOMAGENT_JWT_AUDIENCE ? { audience: config.SOMAGENT_JWT_AUDIENCE } : {}),
    };
    if (config.SOMAGENT_JWT_JWKS_URL) {
      return new JwtVerifier(createRemoteJWKSet(new URL(config.SOMAGENT_JWT_JWKS_URL)), options);
    }
    if (config.SOMAGENT_JWT_PUBLIC_KEY) {
      const text = config.SOMAGENT_JWT_PUBLIC_KEY.replace(/\\n/g, '\n');
      const key = text.trim().startsWith('{')
        ? await importJWK(JSON.parse(text) as JWK)
        : createPublicKey(text);
      return new JwtVerifier(key as KeySource, options);
    }
    if (config.SOMAGENT_JWT_SECRET) {
      return new JwtVerifier(new TextEncoder().encode(config.SOMAGENT_JWT_SECRET), options);
    }
    return undefined;
  }

  async verify(token: string): Promise<Principal> {
    const { payload } = await jwtVerify(token, this.key as Parameters<typeof jwtVerify>[1], this.options);
    const claims = claimsSchema.parse(payload);
    return { tenantId: claims.tenant, role: claims.role, subject: claims.sub, via: 'jwt' };
  }
}
