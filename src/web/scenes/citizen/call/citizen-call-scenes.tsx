/**
 * The citizen's way into the call, in the order they meet it: the device
 * check (`join`), the consents (`join/consent`) and the waiting room, where
 * the call itself opens (`waiting-room`). One file per page; this one names
 * them for the route table.
 */
export { ConsentScene } from './consent-scene.tsx';
export { DeviceCheckScene } from './device-check-scene.tsx';
export { WaitingRoomScene } from './waiting-room-scene.tsx';
