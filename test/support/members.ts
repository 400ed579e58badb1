/** The member-registration form (the shop's own form, not Amazon's), valid with every required extra field. */
export function memberForm(email: string) {
  return {
    email,
    password: 'correct horse battery',
    name: '佐藤 一郎',
    postalCode: '150-0041',
    prefecture: '東京都',
    address: '渋谷区神南1-2-3',
    phone: '03-1234-5678',
    newsletter: true,
    extra: { birthday: '1980-04-01' },
  };
}
