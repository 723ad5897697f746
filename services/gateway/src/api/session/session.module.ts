import { Global, Module } from '@nestjs/common';
import { SessionController } from './session.controller';
import { SessionStore } from './session-store';

/**
 * `/v1/session` (browser sign-in) and the SessionStore, global because the bearer guard and the
 * event stream of every module ask it about a request's cookie.
 */
@Global()
@Module({ controllers: [SessionController], providers: [SessionStore], exports: [SessionStore] })
export class SessionModule {}
