import { describe, expect, test } from 'vitest'
import { repositoryName } from './read.js'

describe('the name a repository is ingested under', () => {
  test('the folder, without .git; for a clone’s .git or a generic mirror folder, the folder above', () => {
    expect(repositoryName('/src/shop')).toBe('shop')
    expect(repositoryName('/mirrors/express.git')).toBe('express')
    expect(repositoryName('/src/shop/.git')).toBe('shop')
    expect(repositoryName('/mirrors/express/repo')).toBe('express')
    expect(repositoryName('/mirrors/vite.git/mirror')).toBe('vite')
    expect(repositoryName('/mirrors/express/repo', 'express-js')).toBe('express-js')
  })
})
