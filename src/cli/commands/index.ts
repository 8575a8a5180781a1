// Every CLI command module registers itself on the program; add new commands here.
import type { Command } from 'commander';
import { registerInfo } from './info.js';
import { registerMask } from './mask.js';

export type RegisterCommand = (program: Command) => void;

export const commandModules: RegisterCommand[] = [registerInfo, registerMask];
