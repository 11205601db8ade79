import { expect, test } from '@playwright/test';

test('the page opens with its drop zone', async ({ page }) => {
  await page.goto('/');
  await expect(page.getByRole('heading', { name: 'Strata' })).toBeVisible();
});
