import { codePng } from '../../src/simulator/png.js';

export const WxQrCode = new Uint8Array(codePng('fixture'));
