"""Addresses of the year board; coordination/urls.py adds them to its "coordination" namespace."""

from django.urls import path

from quartiersnetz.coordination import board_views

urlpatterns = [
    path("jahresplanung/", board_views.year_board, name="year-board"),
    path("jahresplanung/wochenende/", board_views.year_board_cell, name="year-board-cell"),
    path("jahresplanung/druck/", board_views.year_board_print, name="year-board-print"),
    path("jahresplanung.csv", board_views.year_board_csv, name="year-board-csv"),
    path("jahresplanung.ics", board_views.year_board_ics, name="year-board-ics"),
]
