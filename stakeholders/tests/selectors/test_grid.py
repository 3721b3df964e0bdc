"""The power-interest grid's layout (selectors/grid.py)."""

from stakeholders.selectors.grid import CELL_DOTS, power_interest_grid, quadrant


def test_grid_layout_caps_a_full_cell_with_a_more_link():
    rows = [
        {"pk": n, "name": f"S{n}", "sector": "community", "influence": 4, "interest": 4}
        for n in range(CELL_DOTS + 10)
    ] + [{"pk": 999, "name": "Lonely", "sector": "nhs", "influence": 1, "interest": 5}]
    grid = power_interest_grid(
        rows,
        detail_url=lambda pk: f"/s/{pk}/",
        more_url=lambda influence, interest: f"/l/?i={influence}&n={interest}",
    )
    assert len(grid["dots"]) == CELL_DOTS - 1 + 1
    (more,) = grid["more"]
    assert more.count == 11 and more.href == "/l/?i=4&n=4"
    lonely = next(d for d in grid["dots"] if d.href == "/s/999/")
    # interest 5 is the right-most column, influence 1 the bottom row
    assert lonely.cx > max(d.cx for d in grid["dots"] if d.href != "/s/999/")
    assert lonely.cy > max(d.cy for d in grid["dots"] if d.href != "/s/999/")


def test_quadrants():
    assert quadrant(5, 5) == "Manage closely"
    assert quadrant(3, 3) == "Manage closely"
    assert quadrant(4, 2) == "Keep satisfied"
    assert quadrant(2, 4) == "Keep informed"
    assert quadrant(1, 1) == "Monitor"
