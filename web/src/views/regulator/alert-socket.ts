import { io } from 'socket.io-client';
import type { SocketFactory } from '../../stores/alert-feed';

/** The /alerts namespace on the platform the console came from; connected by the feed when it is ready. */
export const alertSocket: SocketFactory = (auth) => io('/alerts', { auth, autoConnect: false, reconnectionDelay: 500, reconnectionDelayMax: 5_000 });
