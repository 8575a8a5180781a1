// Every CLI command module registers itself on the program; add new commands here.
import type { Command } from 'commander';
import { registerInfo } from './info.js';

export type RegisterCommand = (program: Command) => void;

export const commandModules: RegisterCommand[] = [registerInfo];
