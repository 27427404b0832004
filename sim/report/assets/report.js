// Hover details for the report, in plain JavaScript with no library. Markers carry their detail in an SVG
// <title>, which browsers show on their own and which stays readable without scripts; this script moves it to a
// styled tooltip. Time charts get a crosshair that reads the time and value under the pointer.
(function () {
  'use strict';
  const tooltip = document.createElement('div');
  tooltip.id = 'tooltip';
  tooltip.setAttribute('role', 'tooltip');
  document.body.appendChild(tooltip);

  function showTooltip(text, event) {
    tooltip.textContent = text;
    tooltip.style.display = 'block';
    const margin = 14;
    let x = event.clientX + margin;
    let y = event.clientY + margin;
    const box = tooltip.getBoundingClientRect();
    if (x + box.width > window.innerWidth) {
      x = Math.max(0, event.clientX - box.width - margin);
    }
    if (y + box.height > window.innerHeight) {
      y = Math.max(0, event.clientY - box.height - margin);
    }
    tooltip.style.left = x + 'px';
    tooltip.style.top = y + 'px';
  }

  function hideTooltip() {
    tooltip.style.display = 'none';
  }

  // Elements with a detail: move the <title> text into data-tip so that the browser's own tooltip does not
  // show as well.
  for (const element of document.querySelectorAll('svg .has-tip')) {
    const title = element.querySelector('title');
    if (title) {
      element.dataset.tip = title.textContent;
      title.remove();
    }
  }
  document.addEventListener('pointerover', function (event) {
    const target = event.target.closest ? event.target.closest('[data-tip]') : null;
    if (target) {
      showTooltip(target.dataset.tip, event);
    }
  });
  document.addEventListener('pointerout', function (event) {
    if (event.target.closest && event.target.closest('[data-tip]')) {
      hideTooltip();
    }
  });

  function formatTime(seconds, startUnix) {
    const days = seconds / 86400;
    let text = 'day ' + days.toFixed(days < 10 ? 3 : 2);
    if (Number.isFinite(startUnix)) {
      const iso = new Date((startUnix + seconds) * 1000).toISOString();
      text += ' (' + iso.slice(0, 16).replace('T', ' ') + ' UTC)';
    }
    return text;
  }

  function attachCrosshair(svg) {
    const d = svg.dataset;
    const left = Number(d.plotLeft);
    const right = Number(d.plotRight);
    const top = Number(d.plotTop);
    const bottom = Number(d.plotBottom);
    const timeEnd = Number(d.timeEnd);
    const yMin = Number(d.yMin);
    const yMax = Number(d.yMax);
    const startUnix = d.start === undefined ? NaN : Number(d.start);
    const unit = d.unit || '';
    const line = svg.querySelector('.crosshair');
    if (!line) {
      return;
    }

    svg.addEventListener('pointermove', function (event) {
      if (event.target.closest('[data-tip]')) {
        return;
      }
      const matrix = svg.getScreenCTM();
      if (!matrix) {
        return;
      }
      const point = new DOMPoint(event.clientX, event.clientY).matrixTransform(matrix.inverse());
      if (point.x < left || point.x > right || point.y < top || point.y > bottom) {
        line.setAttribute('visibility', 'hidden');
        hideTooltip();
        return;
      }
      line.setAttribute('x1', point.x);
      line.setAttribute('x2', point.x);
      line.setAttribute('visibility', 'visible');

      // The readout is the position of the pointer on both axes, not a value looked up in a series.
      const seconds = (point.x - left) / (right - left) * timeEnd;
      const value = yMax - (point.y - top) / (bottom - top) * (yMax - yMin);
      showTooltip(formatTime(seconds, startUnix) + '\npointer at ' + value.toPrecision(4) + ' ' + unit, event);
    });
    svg.addEventListener('pointerleave', function () {
      line.setAttribute('visibility', 'hidden');
      hideTooltip();
    });
  }

  for (const svg of document.querySelectorAll('svg.time-chart')) {
    attachCrosshair(svg);
  }
})();
