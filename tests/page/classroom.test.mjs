// Classroom links: a teacher makes a link (tour step, hidden panels, locked settings,
// projector theme) in the page's own panel; a student opening it gets exactly that, and the
// lesson still trains. Screenshots of the projector theme and a link with hidden panels, in
// both languages.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { browser, openPage, screenshot, server, startForTests } from './harness.mjs';

startForTests();

/** Makes a classroom link in the teacher's panel and returns it. */
async function makeLink(page, { lesson, step, hide = [], locked = false, projector = false }) {
  await page.selectOption('#lesson', lesson);
  await page.waitForFunction((l) => document.querySelector('#tour')?.dataset.lesson === l, lesson);
  await page.click('#classroom-panel summary');
  await page.selectOption('#classroom-step', String(step));
  for (const h of hide) await page.check(`#classroom-hide-${h}`);
  if (locked) await page.check('#classroom-locked');
  if (projector) await page.check('#classroom-projector');
  const link = await page.inputValue('#classroom-link');
  // The teacher's own page is unchanged.
  assert.ok(await page.isVisible('.controls'));
  assert.equal(await page.getAttribute('html', 'data-theme'), null);
  return link;
}

for (const lang of ['en', 'zh-CN']) {
  test(`a classroom link (${lang}) opens the tour step, hides panels, locks settings, shows the projector theme, and trains`, { timeout: 120_000 }, async () => {
    const teacher = await openPage(browser, server.url);
    await teacher.page.waitForSelector('#tour');
    if (lang !== 'en') await teacher.page.selectOption('#lang', lang);
    const link = await makeLink(teacher.page, {
      lesson: 'vanishing_gradients', step: 2, hide: ['controls', 'exports'], projector: true,
    });
    assert.match(decodeURIComponent(link.split('#')[1]), /"classroom":\{"step":2,"hide":\["controls","exports"\],"theme":"projector"\}/);
    await teacher.page.close();

    // A student's browser, with the tour closed on an earlier visit: the link opens it.
    const { page, log } = await openPage(browser, server.url);
    await page.evaluate(() => localStorage.setItem('rnn-lab/tour', 'closed'));
    await page.setViewportSize({ width: 1280, height: 720 });
    await page.goto(link);
    await page.reload();
    await page.waitForSelector('#tour');
    assert.equal(await page.getAttribute('#tour', 'data-step'), '1', 'opened at step 2');
    assert.equal(await page.getAttribute('#tour', 'data-lesson'), 'vanishing_gradients');
    assert.equal(await page.$('.controls'), null, 'the controls column is hidden');
    assert.equal(await page.isVisible('.exports'), false, 'the downloads are hidden');
    assert.equal(await page.getAttribute('html', 'data-theme'), 'projector');
    assert.equal(await page.getAttribute('#theme', 'aria-pressed'), 'true');
    assert.equal(await page.getAttribute('html', 'lang'), lang);
    // The projector's type is large: the tour's text at 20 px or more.
    const size = await page.evaluate(() => parseFloat(getComputedStyle(document.querySelector('.tour-text')).fontSize));
    assert.ok(size >= 19, `tour text ${size}px`);
    await page.click('#tour-choice-0');
    await page.click('#play');
    await page.waitForSelector('#tour-verdict', { timeout: 60000 });
    await page.click('#play');
    await screenshot(page, `classroom-projector-${lang}`);
    // The link stays in the address bar as the run goes on (a reload keeps the options).
    assert.match(decodeURIComponent(page.url()), /"classroom":/);
    assert.deepEqual(log.errors, []);
    await page.close();
  });
}

test('a locked link: the settings show but cannot be changed, training still works', { timeout: 120_000 }, async () => {
  const teacher = await openPage(browser, server.url);
  await teacher.page.waitForSelector('#tour');
  const link = await makeLink(teacher.page, { lesson: 'large_inputs', step: 1, hide: ['tabs', 'cell'], locked: true });
  await teacher.page.close();
  const { page, log } = await openPage(browser, server.url);
  await page.goto(link);
  await page.reload();
  await page.waitForSelector('#locked-note');
  assert.equal(await page.isDisabled('#cell'), true);
  assert.equal(await page.isDisabled('#lesson'), true);
  assert.equal(await page.isVisible('#flow-chart'), false, 'the tabs are hidden');
  assert.equal(await page.isVisible('#heatmaps'), false, 'the cell views are hidden');
  // The hint still says why raw inputs stall, but offers no fix the lock would refuse.
  await page.waitForSelector('#hint');
  assert.match(await page.textContent('#hint'), /not normalised/);
  assert.equal(await page.locator('#hint button').count(), 0, 'no fix button on a locked page');
  await page.click('#step');
  await page.waitForFunction(() => Number(document.querySelector('#stats')?.dataset.steps) > 0);
  await screenshot(page, 'classroom-locked-en');
  // The theme toggle works for anyone, and goes into the link.
  await page.click('#theme');
  await page.waitForSelector('html[data-theme="projector"]');
  await page.waitForFunction(() => decodeURIComponent(location.hash).includes('"theme":"projector"'));
  assert.deepEqual(log.errors, []);
  await page.close();
});

test('broken classroom options say what is wrong and open the first lesson', async () => {
  const teacher = await openPage(browser, server.url);
  await teacher.page.waitForSelector('#tour');
  const link = await makeLink(teacher.page, { lesson: 'curve_fitting', step: 1, projector: true });
  await teacher.page.close();
  const [base, hash] = link.split('#');
  const broken = `${base}#${encodeURIComponent(decodeURIComponent(hash).replace('"projector"', '"neon"'))}`;
  const { page, log } = await openPage(browser, server.url);
  await page.goto(broken);
  await page.reload();
  await page.waitForSelector('.banner.info');
  assert.match(await page.textContent('.banner.info'), /classroom options do not read/);
  assert.equal(await page.getAttribute('#tour', 'data-lesson'), 'sine_next_value');
  assert.equal(await page.getAttribute('html', 'data-theme'), null);
  assert.deepEqual(log.errors, []);
  await page.close();
});

test('present: the story alone in large type, the tour moved by a clicker\'s PageDown; stopping brings the page back', async () => {
  const { page, log } = await openPage(browser, server.url);
  await page.setViewportSize({ width: 1280, height: 720 });
  await page.waitForSelector('#tour');
  await page.selectOption('#lesson', 'vanishing_gradients');
  await page.waitForFunction(() => document.querySelector('#tour')?.dataset.lesson === 'vanishing_gradients');
  await page.click('#present');
  await page.waitForSelector('.controls', { state: 'detached' });
  await page.waitForSelector('html[data-theme="projector"]');
  await page.keyboard.press('PageDown');
  await page.waitForFunction(() => document.querySelector('#tour')?.dataset.step === '1');
  await page.click('#tour-choice-0');
  await screenshot(page, 'present-en');
  await page.click('#present');
  await page.waitForSelector('.controls');
  await page.waitForSelector('html[data-theme="standard"]');
  // Leaving full screen by the browser's own way (Escape) ends presenting too, when the
  // browser granted full screen at all (it may refuse; the page then presents in the window).
  await page.click('#present');
  await page.waitForSelector('.controls', { state: 'detached' });
  if (await page.evaluate(() => document.fullscreenElement !== null)) {
    await page.evaluate(() => document.exitFullscreen());
    await page.waitForSelector('.controls');
    await page.waitForSelector('html[data-theme="standard"]');
  } else {
    console.log('full screen was refused; the Escape path is not exercised');
  }
  assert.deepEqual(log.errors, []);
  await page.close();
});
