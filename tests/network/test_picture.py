"""The picture fills its frame and places labels off the other labelled nodes."""

from __future__ import annotations

import numpy as np

from cloterres.network.picture import fill_frame, place_labels


def test_layout_stretched_to_the_whole_frame():
    positions = fill_frame(np.array([[0.0, 0.0], [0.2, 0.5], [0.1, 1.0]]))
    assert positions.min(axis=0).tolist() == [-1.0, -1.0]
    assert positions.max(axis=0).tolist() == [1.0, 1.0]


def test_label_goes_where_it_covers_no_labelled_node_and_labels_do_not_overlap():
    # node 0 has labelled node 1 just to its right at the same height
    positions = np.array([[-0.5, 0.0], [-0.2, 0.0], [0.5, 0.8]])
    spots = place_labels(positions, [0, 1], [0.5, 0.5])
    x0, y0 = spots[0]
    # not level to the right of node 0, where node 1 is
    assert not (x0 > -0.5 and abs(y0) < 0.05)
    boxes = []
    for i, (x, y) in spots.items():
        left = x if x >= positions[i, 0] else x - 0.5
        boxes.append((left, left + 0.5, y - 0.025, y + 0.025))
    (a0, a1, b0, b1), (c0, c1, d0, d1) = boxes
    assert not (a0 < c1 and c0 < a1 and b0 < d1 and d0 < b1)
