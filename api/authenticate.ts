import type { Request } from 'express';
import { errors as joseErrors } from 'jose';
import type { Pool } from '../core/db/pool.js';
import { findPrincipalByKey } from '../identity/api-keys.js';
import type { JwtVerifier } from '../identity/jwt.js';
import type { Principal } from '../identity/principal.js';
import { problems } from './problem.js';
import type { Authenticate } from './define-route.js';

/**
 * Resolves `Authorization: Bearer <credential>`: SomaGent API keys (`sg_...`) are looked up by
 * hash in PostgreSQL; anything shaped like a JWT is verified with the configured key.
 */
export function createAuthenticate(pool: Pool, jwt: JwtVerifier | undefined): Authenticate {
  return async (req: Request): Promise<Principal> => {
    const header = req.headers.authorization;
    if (!header) throw problems.unauthorized('Send a credential: Authorization: Bearer <API key or JWT>.');
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    const credential = match?.[1];
    if (!credential) throw problems.unauthorized('The Authorization header must be "Bearer <credential>".');

    if (credential.startsWith('sg_')) {
      const principal = await findPrincipalByKey(pool, credential);
      if (!principal) throw problems.unauthorized('The API key is unknown or revoked.');
      return principal;
    }
    if (credential.split('.').length === 3) {
      if (!jwt) throw problems.unauthorized('JWTs are not accepted: no JWT key is configured.');
      try {
        return await jwt.verify(credential);
      } catch (error) {
        const reason =
          error instanceof joseErrors.JWTExpired
            ? 'the token has expired'
            : error instanceof joseErrors.JOSEError
              ? error.code
              : 'its claims must include sub and a tenant id';
        throw problems.unauthorized(`The JWT was rejected: ${reason}.`);
      }
    }
    throw problems.unauthorized('The credential is neither a SomaGent API key nor a JWT.');
  };
}
