def test_an_employer_records_a_scanned_ticket(client, make_fair, ticket, make_booth):
    fair = make_fair()
    setup = make_booth(fair)
    registration, payload = ticket(fair)
    body = {
        "qr_payload": payload,
        "outcome": "shortlisted",
        "vacancy_id": setup.vacancies[0].id,
        "rating": 4,
        "scan_id": "s-1",
    }
    answer = client.post(f"/api/v1/fairs/{fair.id}/interviews", json=body, headers=setup.headers)
    assert answer.status_code == 201, answer.get_json()
    again = client.post(f"/api/v1/fairs/{fair.id}/interviews", json=body, headers=setup.headers)
    assert again.status_code == 200 and again.get_json()["id"] == answer.get_json()["id"]
    assert again.get_json()["repeated"] is True
    card = client.post(
        f"/api/v1/fairs/{fair.id}/booth-scans", json={"qr_payload": payload}, headers=setup.headers
    )
    assert card.status_code == 200, card.get_json()
    assert card.get_json()["candidate"]["name"] == "N."
    assert card.get_json()["consent_url"].startswith("http")
    listed = client.get(f"/api/v1/fairs/{fair.id}/interviews", headers=setup.headers)
    assert [item["outcome"] for item in listed.get_json()["items"]] == ["shortlisted"]
