/** Colours and materials of the tabletop, in one place so the viewer and the policy cameras agree. */
import * as THREE from 'three';
import { COLOR_RGB, type ColorName } from '../sim/scene';

export function colorOf(name: ColorName): THREE.Color {
  const [r, g, b] = COLOR_RGB[name];
  return new THREE.Color().setRGB(r, g, b, THREE.SRGBColorSpace);
}

export const PALETTE = {
  table: 0xc8b08a,
  floor: 0x3a3f47,
  armShell: 0xf2f2ee,
  armJoint: 0x2b2d31,
  finger: 0x3b3f46,
  background: 0x20242b,
} as const;
