import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Installation-wide values, e.g. the check value that tells whether MASTER_KEY is the right one. */
@Entity({ name: 'settings' })
export class Setting {
  @PrimaryColumn({ type: 'text' })
  key: string;

  @Column({ type: 'text' })
  value: string;
}
