import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Length, Matches } from 'class-validator';
import { ROLES, type Role } from '../domain/roles.js';

export class RegisterActorDto {
  @ApiPropertyOptional({
    description: 'Stable id (lowercase letters, digits, dashes); a UUID when absent',
    example: 'jane-doe',
  })
  @IsOptional()
  @Matches(/^[a-z0-9][a-z0-9-]{1,62}[a-z0-9]$/, {
    message: 'id must be 3-64 lowercase letters, digits or dashes',
  })
  id?: string;

  @ApiProperty({ example: 'Jane Doe' })
  @IsString()
  @Length(1, 200)
  name!: string;

  @ApiProperty({ enum: ROLES })
  @IsIn(ROLES, { message: `role must be one of: ${ROLES.join(', ')}` })
  role!: Role;
}

export class IssuedKeyDto {
  @ApiProperty() actorId!: string;
  @ApiProperty() keyId!: string;
  @ApiProperty({ description: 'The API key; shown once, only its hash is kept' }) key!: string;
}
